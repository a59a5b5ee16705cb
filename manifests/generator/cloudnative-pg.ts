import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { MeshService } from '../../mesh/policy/services.js';
import { appLabel, clusterNamespace, serviceHost, type Manifest } from './cluster.js';
import { databaseServices } from './postgres.js';
import { postgresPort, postgresService } from './shared-config.js';

/**
 * PostgreSQL for production through the CloudNativePG operator, as a kustomize component
 * (manifests/components/cloudnative-pg): a primary and a streaming replica on different nodes,
 * nightly volume-snapshot backups, one Database per service of services.ts that keeps its state in
 * PostgreSQL. The services keep connecting to `postgres:5432`, which the component turns into a
 * name for the cluster's read-write Service, so nothing else changes. The base's single
 * StatefulSet stays for dev.
 */
export const cnpgCluster = 'bookstore-db';
/** The operator's release the component is written and validated against (mesh/test/schemas). */
export const cnpgVersion = '1.30.0';
/** A basic-auth Secret (username, password) for the owner of the databases: the same user as postgres-credentials. */
export const cnpgOwnerSecret = 'bookstore-db-owner';
const owner = 'bookstore';
const operatorNamespace = 'cnpg-system';
const statusPort = 8000;
/** Set this to a VolumeSnapshotClass of the cluster's CSI driver (`kubectl get volumesnapshotclass`). */
const snapshotClass = 'csi-snapclass';

/** A custom resource of the operator (no model package covers them; mesh/test validates them against the CRDs). */
interface CustomResource extends Manifest {
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export function cloudNativePgResources(services: readonly MeshService[]): (CustomResource | NetworkPolicy)[] {
  const instancePods = { matchLabels: { 'cnpg.io/cluster': cnpgCluster } };
  const resources: CustomResource[] = [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: cnpgCluster, namespace: clusterNamespace },
      spec: {
        instances: 2,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:16',
        // The operator talks to its instances over plain HTTP from outside the mesh; the callers'
        // sidecars see no sidecar here and send plain TCP, as to the dev StatefulSet's port.
        inheritedMetadata: { labels: { 'sidecar.istio.io/inject': 'false' } },
        storage: { size: '5Gi' },
        affinity: { topologyKey: 'kubernetes.io/hostname' },
        bootstrap: { initdb: { database: owner, owner, secret: { name: cnpgOwnerSecret } } },
        backup: { volumeSnapshot: { className: snapshotClass } },
      },
    },
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: cnpgCluster, namespace: clusterNamespace },
      spec: { schedule: '0 0 3 * * *', cluster: { name: cnpgCluster }, method: 'volumeSnapshot', backupOwnerReference: 'self' },
    },
  ];
  return [
    ...resources,
    ...databaseServices(services).map((service): CustomResource => ({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: `${cnpgCluster}-${service.name}`, namespace: clusterNamespace },
      spec: { name: service.name, owner, cluster: { name: cnpgCluster } },
    })),
    new NetworkPolicy({
      metadata: { name: cnpgCluster, namespace: clusterNamespace },
      spec: {
        podSelector: instancePods,
        policyTypes: ['Ingress'],
        ingress: [
          { from: databaseServices(services).map((service) => ({ podSelector: { matchLabels: { [appLabel]: service.name } } })), ports: [{ protocol: 'TCP', port: postgresPort }] },
          { from: [{ podSelector: instancePods }], ports: [{ protocol: 'TCP', port: postgresPort }, { protocol: 'TCP', port: statusPort }] },
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': operatorNamespace } } }], ports: [{ protocol: 'TCP', port: postgresPort }, { protocol: 'TCP', port: statusPort }] },
        ],
      },
    }),
  ];
}

/** The component's kustomization: the operator's resources in, the StatefulSet out, `postgres` a name for the primary. */
export function cnpgComponent(resourcesFile: string): object {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    resources: [resourcesFile],
    patches: [
      { target: { kind: 'StatefulSet', name: postgresService }, patch: JSON.stringify({ $patch: 'delete', apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: postgresService } }) },
      {
        target: { kind: 'Service', name: postgresService },
        patch: JSON.stringify([
          {
            op: 'replace',
            path: '/spec',
            value: { type: 'ExternalName', externalName: serviceHost(`${cnpgCluster}-rw`), ports: [{ name: 'tcp-postgres', port: postgresPort }] },
          },
        ]),
      },
    ],
  };
}
