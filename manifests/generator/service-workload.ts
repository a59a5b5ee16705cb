import { Deployment } from 'kubernetes-models/apps/v1';
import { Service, ServiceAccount, type IEnvVar, type IVolume, type IVolumeMount } from 'kubernetes-models/v1';
import { podsName } from '../../mesh/envoy/edge-plan.js';
import { clusterAdminPort, clusterGrpcPort, type MeshService } from '../../mesh/policy/services.js';
import { imageCommand, serviceEntry } from '../../mesh/policy/runtime.js';
import { cpuAutoscaler, disruptOneAtATime, spreadOverNodes } from './availability.js';
import { appLabel, clusterNamespace, stableVersion, versionLabel, workloadLabels, imageWorkdir, serviceImage, type Manifest } from './cluster.js';
import {
  containerSecurity,
  httpProbe,
  podSecurity,
  preStopSleep,
  prometheusAnnotations,
  resources,
  sidecarAnnotations,
  terminationGracePeriodSeconds,
  tmpMount,
  tmpVolume,
} from './pod-defaults.js';
import { databaseSecret, postgresPort, postgresService, serviceConfigMap } from './shared-config.js';

/** Istio picks the protocol from the port name: `grpc-*` is gRPC, `http-*` is HTTP/1.1. */
export const grpcPortName = 'grpc-api';
export const adminPortName = 'http-admin';
/** The node user of the official node images (manifests/image/Dockerfile runs as it). */
const nodeUser = 1000;
/** A replica-local store lives and dies with its pod and is rebuilt from the stream (DOMAIN.md, MyPage). */
const replicaDataDir = '/var/lib/bookstore';

/** Everything one service of services.ts needs in the cluster, in apply order. */
export function serviceWorkload(service: MeshService): Manifest[] {
  const { name } = service;
  const labels = workloadLabels(name);
  return [
    new ServiceAccount({ metadata: { name, namespace: clusterNamespace, labels }, automountServiceAccountToken: false }),
    deployment(service, labels),
    new Service({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: {
        selector: { [appLabel]: name },
        ports: [
          { name: grpcPortName, port: clusterGrpcPort, targetPort: grpcPortName, appProtocol: 'grpc' },
          { name: adminPortName, port: clusterAdminPort, targetPort: adminPortName, appProtocol: 'http' },
        ],
      },
    }),
    // Every ready pod's address, for the edge's Envoy to balance calls over (edge-plan.ts podsName).
    new Service({
      metadata: { name: podsName(name), namespace: clusterNamespace, labels },
      spec: { clusterIP: 'None', selector: { [appLabel]: name }, ports: [{ name: grpcPortName, port: clusterGrpcPort, targetPort: grpcPortName, appProtocol: 'grpc' }] },
    }),
    cpuAutoscaler(name),
    disruptOneAtATime(name),
  ];
}

function deployment(service: MeshService, labels: Record<string, string>): Deployment {
  const { name } = service;
  const store = storeFor(service);
  return new Deployment({
    metadata: { name, namespace: clusterNamespace, labels },
    spec: {
      // No replicas: the HorizontalPodAutoscaler owns the count, and an apply must not reset it.
      selector: { matchLabels: { [appLabel]: name, [versionLabel]: labels[versionLabel] ?? stableVersion } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: { ...sidecarAnnotations(), ...prometheusAnnotations(clusterAdminPort, '/metrics') } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds,
          securityContext: podSecurity(nodeUser),
          topologySpreadConstraints: spreadOverNodes(name),
          containers: [
            {
              name,
              image: serviceImage(),
              workingDir: imageWorkdir,
              command: imageCommand(serviceEntry(name)),
              ports: [
                { name: grpcPortName, containerPort: clusterGrpcPort },
                { name: adminPortName, containerPort: clusterAdminPort },
              ],
              envFrom: [{ configMapRef: { name: serviceConfigMap } }],
              env: [
                { name: 'GRPC_PORT', value: String(clusterGrpcPort) },
                { name: 'ADMIN_PORT', value: String(clusterAdminPort) },
                // The name its spans carry (docs/tracing.md); the exporter's endpoint comes from the ConfigMap.
                { name: 'OTEL_SERVICE_NAME', value: name },
                ...store.env,
              ],
              startupProbe: httpProbe('/livez', adminPortName, { periodSeconds: 2, failureThreshold: 60 }),
              readinessProbe: httpProbe('/readyz', adminPortName, { periodSeconds: 5, failureThreshold: 2 }),
              livenessProbe: httpProbe('/livez', adminPortName, { periodSeconds: 10, failureThreshold: 3 }),
              lifecycle: preStopSleep(),
              resources: resources('100m', '192Mi', '512Mi'),
              securityContext: containerSecurity(),
              volumeMounts: [tmpMount, ...store.mounts],
            },
          ],
          volumes: [tmpVolume, ...store.volumes],
        },
      },
    },
  });
}

/** DATABASE_URL: the service's own PostgreSQL database, or an SQLite file private to the replica. */
function storeFor(service: MeshService): { env: IEnvVar[]; mounts: IVolumeMount[]; volumes: IVolume[] } {
  if (service.stateful === 'replica-local') {
    return {
      env: [{ name: 'DATABASE_URL', value: `sqlite://${replicaDataDir}/${service.name}.sqlite` }],
      mounts: [{ name: 'data', mountPath: replicaDataDir }],
      volumes: [{ name: 'data', emptyDir: {} }],
    };
  }
  const fromSecret = (key: string): IEnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: databaseSecret, key } } });
  return {
    env: [
      fromSecret('POSTGRES_USER'),
      fromSecret('POSTGRES_PASSWORD'),
      // Kubernetes expands $(VAR) from the variables above, so the password lives only in the Secret.
      { name: 'DATABASE_URL', value: `postgres://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@${postgresService}:${String(postgresPort)}/${service.name}` },
    ],
    mounts: [],
    volumes: [],
  };
}
