import { StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service } from 'kubernetes-models/v1';
import { appLabel, clusterNamespace, type Manifest } from './cluster.js';
import { spreadOverNodes } from './availability.js';
import { containerSecurity, httpProbe, podSecurity, resources, tmpMount, tmpVolume } from './pod-defaults.js';
import { natsClientPort, natsClusterPort, natsMonitorPort, natsService } from './shared-config.js';

export const natsConfigMap = 'nats-config';
export const natsImage = 'nats:2.12.1-alpine';
const storeDir = '/data/jetstream';
const natsUser = 1000;
const pidDir = '/var/run/nats';
/**
 * Lame duck: on shutdown the server stops taking connections and moves its clients away over
 * `lameDuckSeconds` (after a grace of `lameDuckGraceSeconds`), so a rolling restart of the cluster
 * drops no publisher; the pod's grace period covers it.
 */
const lameDuckSeconds = 30;
const lameDuckGraceSeconds = 10;
const memoryLimitMiB = 1024;
/** Go's soft memory limit at 90 % of the container's: the server collects garbage before the kernel kills it. */
const goMemoryLimit = `${String(Math.floor(memoryLimitMiB * 0.9))}MiB`;

/**
 * The one-node server of the base. The prod overlay swaps in a three-node cluster config
 * (manifests/overlays/prod/nats.conf); server_name comes from the pod name in both.
 */
export function natsConfig(): string {
  return [
    'server_name: $POD_NAME',
    `listen: 0.0.0.0:${String(natsClientPort)}`,
    `http: 0.0.0.0:${String(natsMonitorPort)}`,
    `pid_file: ${pidDir}/nats.pid`,
    `lame_duck_duration: ${String(lameDuckSeconds)}s`,
    `lame_duck_grace_period: ${String(lameDuckGraceSeconds)}s`,
    'jetstream {',
    `  store_dir: ${storeDir}`,
    '  max_file_store: 4G',
    '}',
    '',
  ].join('\n');
}

/**
 * NATS with JetStream: a StatefulSet with a volume per pod and a headless Service, so every pod
 * has a stable DNS name for cluster routes. Ports are named tcp-*: NATS speaks first on a new
 * connection, which Istio must not sniff as HTTP.
 */
export function natsWorkload(): Manifest[] {
  const name = natsService;
  const labels = { [appLabel]: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'bookstore-mesh' };
  return [
    new Service({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: {
        clusterIP: 'None',
        // Cluster members must find each other before any of them is ready.
        publishNotReadyAddresses: true,
        selector: { [appLabel]: name },
        ports: [
          { name: 'tcp-client', port: natsClientPort, targetPort: 'tcp-client' },
          { name: 'tcp-cluster', port: natsClusterPort, targetPort: 'tcp-cluster' },
          { name: 'http-monitor', port: natsMonitorPort, targetPort: 'http-monitor' },
        ],
      },
    }),
    new StatefulSet({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: {
        serviceName: name,
        replicas: 1,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { [appLabel]: name } },
        template: {
          metadata: { labels },
          spec: {
            securityContext: podSecurity(natsUser),
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: lameDuckSeconds + lameDuckGraceSeconds + 20,
            topologySpreadConstraints: spreadOverNodes(name, []),
            containers: [
              {
                name: 'nats',
                image: natsImage,
                args: ['--config', '/etc/nats/nats.conf'],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'GOMEMLIMIT', value: goMemoryLimit },
                ],
                ports: [
                  { name: 'tcp-client', containerPort: natsClientPort },
                  { name: 'tcp-cluster', containerPort: natsClusterPort },
                  { name: 'http-monitor', containerPort: natsMonitorPort },
                ],
                startupProbe: httpProbe('/healthz', 'http-monitor', { periodSeconds: 2, failureThreshold: 60 }),
                readinessProbe: httpProbe('/healthz?js-enabled-only=true', 'http-monitor', { periodSeconds: 5, failureThreshold: 3 }),
                livenessProbe: httpProbe('/healthz?js-enabled-only=true', 'http-monitor', { periodSeconds: 10, failureThreshold: 3 }),
                // Lame duck mode, then the server exits by itself; Kubernetes' SIGTERM would stop it at once.
                lifecycle: { preStop: { exec: { command: ['nats-server', '--signal', `ldm=${pidDir}/nats.pid`] } } },
                resources: resources('100m', '128Mi', `${String(memoryLimitMiB)}Mi`),
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/nats', readOnly: true },
                  { name: 'data', mountPath: storeDir.slice(0, storeDir.lastIndexOf('/')) },
                  { name: 'pid', mountPath: pidDir },
                  tmpMount,
                ],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: natsConfigMap } }, { name: 'pid', emptyDir: {} }, tmpVolume],
          },
        },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } },
        ],
      },
    }),
    new PodDisruptionBudget({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { [appLabel]: name } } },
    }),
  ];
}
