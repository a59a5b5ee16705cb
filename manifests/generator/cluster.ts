import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../mesh/envoy/generated-files.js';

/** Where the shop runs in a cluster; Istio hosts and the kustomize bases name it. */
export const clusterNamespace = 'bookstore';

/** The pod label Istio's sourceLabels and every selector use for a workload's name. */
export const appLabel = 'app';

/**
 * The `version` label Istio's subsets select on (and its telemetry reports): every workload the
 * base deploys is `v1`; a canary (mesh/istio/scenarios) runs beside it as `v2`.
 */
export const versionLabel = 'version';
export const stableVersion = 'v1';

/** The labels of one workload's objects and pods; selectors use only `app` (and `version` for a Deployment). */
export function workloadLabels(name: string, version = stableVersion): Record<string, string> {
  return { [appLabel]: name, [versionLabel]: version, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'bookstore-mesh' };
}

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
