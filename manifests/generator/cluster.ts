import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../mesh/envoy/generated-files.js';

/** Where the shop runs in a cluster; Istio hosts and the kustomize bases name it. */
export const clusterNamespace = 'bookstore';

/** The pod label Istio's sourceLabels and every selector use for a workload's name. */
export const appLabel = 'app';

export function serviceHost(name: string): string {
  return `${name}.${clusterNamespace}.svc.cluster.local`;
}

/** One image for every service; the command picks the service. Tagged with the package version. */
export const serviceImageName = 'bookstore-mesh';

export function serviceImage(): string {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return `${serviceImageName}:${version}`;
}

/** Where the image's Dockerfile puts the repository (manifests/image/Dockerfile WORKDIR). */
export const imageWorkdir = '/app';

/**
 * Exact releases, never a floating tag. Envoy's is the release whose API protos the config tests
 * check the edge bootstrap against (mesh/test/schemas); the table in mesh/README.md says why each.
 */
export const envoyImage = 'envoyproxy/envoy:v1.37.0';

/** What the generators emit: any Kubernetes or Istio object model. */
export interface Manifest {
  apiVersion: string;
  kind: string;
}
