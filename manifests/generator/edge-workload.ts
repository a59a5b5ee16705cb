import { Deployment } from 'kubernetes-models/apps/v1';
import { Service, ServiceAccount } from 'kubernetes-models/v1';
import { descriptorSetPath, edgeHealthPath, edgeMetricsPath, edgeMetricsPort } from '../../mesh/envoy/bootstrap.js';
import { edgeCaller } from '../../mesh/envoy/edge-plan.js';
import { edgePort } from '../../mesh/policy/services.js';
import { cpuAutoscaler, disruptOneAtATime, spreadOverNodes } from './availability.js';
import { appLabel, clusterNamespace, stableVersion, versionLabel, workloadLabels, envoyImage, imageWorkdir, serviceImage, type Manifest } from './cluster.js';
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

/** The ConfigMap kustomize builds from the generated bootstrap (manifests/base/edge/envoy.yaml). */
export const edgeConfigMap = 'edge-envoy';
/** `http2-*`: the ingress gateway speaks HTTP/2 to the edge, so gRPC passes through it too. */
export const edgePortName = 'http2-edge';
/** The envoy user of the envoyproxy/envoy image. */
const envoyUser = 101;
const descriptorDir = descriptorSetPath.slice(0, descriptorSetPath.lastIndexOf('/'));

/**
 * The transcoding edge: Envoy with mesh/envoy/envoy.yaml. The descriptor set is copied from the
 * service image of the same tag by an init container, so the edge always transcodes exactly the
 * contracts the services were built from.
 */
export function edgeWorkload(): Manifest[] {
  const name = edgeCaller;
  const labels = workloadLabels(name);
  return [
    new ServiceAccount({ metadata: { name, namespace: clusterNamespace, labels }, automountServiceAccountToken: false }),
    new Deployment({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: {
        selector: { matchLabels: { [appLabel]: name, [versionLabel]: labels[versionLabel] ?? stableVersion } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels, annotations: { ...sidecarAnnotations(), ...prometheusAnnotations(edgeMetricsPort, edgeMetricsPath) } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds,
            securityContext: podSecurity(envoyUser),
            topologySpreadConstraints: spreadOverNodes(name),
            initContainers: [
              {
                name: 'descriptor-set',
                image: serviceImage(),
                workingDir: imageWorkdir,
                command: ['cp', 'proto/gen/bookstore.binpb', descriptorSetPath],
                resources: resources('10m', '32Mi', '64Mi'),
                securityContext: containerSecurity(),
                volumeMounts: [{ name: 'descriptor-set', mountPath: descriptorDir }],
              },
            ],
            containers: [
              {
                name: 'envoy',
                image: envoyImage,
                command: ['envoy'],
                args: ['--config-path', '/etc/envoy/envoy.yaml', '--disable-hot-restart', '--log-level', 'info'],
                ports: [
                  { name: edgePortName, containerPort: edgePort },
                  { name: 'http-metrics', containerPort: edgeMetricsPort },
                ],
                startupProbe: httpProbe(edgeHealthPath, edgePortName, { periodSeconds: 2, failureThreshold: 30 }),
                readinessProbe: httpProbe(edgeHealthPath, edgePortName, { periodSeconds: 5, failureThreshold: 2 }),
                livenessProbe: httpProbe(edgeHealthPath, edgePortName, { periodSeconds: 10, failureThreshold: 3 }),
                lifecycle: preStopSleep(),
                resources: resources('100m', '64Mi', '256Mi'),
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'envoy-config', mountPath: '/etc/envoy', readOnly: true },
                  { name: 'descriptor-set', mountPath: descriptorDir, readOnly: true },
                  tmpMount,
                ],
              },
            ],
            volumes: [{ name: 'envoy-config', configMap: { name: edgeConfigMap } }, { name: 'descriptor-set', emptyDir: {} }, tmpVolume],
          },
        },
      },
    }),
    new Service({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: { selector: { [appLabel]: name }, ports: [{ name: edgePortName, port: edgePort, targetPort: edgePortName, appProtocol: 'http2' }] },
    }),
    cpuAutoscaler(name),
    disruptOneAtATime(name),
  ];
}
