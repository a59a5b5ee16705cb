import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy, type INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Service, ServiceAccount, type IContainer, type IServicePort, type IVolume } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import { edgeMetricsPort } from '../../mesh/envoy/bootstrap.js';
import { generatedNotice, yamlDocuments, type GeneratedFile } from '../../mesh/envoy/generated-files.js';
import { ruleGroups } from '../../mesh/observability/alerts.js';
import { dashboardsDir, grafanaDashboardsPath, provisioningDir, renderObservability, rulesFile } from '../../mesh/observability/render.js';
import { grafana, natsExporter, otelCollector, prometheus, traceStore } from '../../mesh/observability/stack.js';
import { clusterAdminPort, type MeshService } from '../../mesh/policy/services.js';
import { cpuAutoscaler, disruptOneAtATime } from './availability.js';
import { appLabel, clusterNamespace, stableVersion, versionLabel, workloadLabels, type Manifest } from './cluster.js';
import { containerSecurity, httpProbe, podSecurity, prometheusAnnotations, resources, tmpMount, tmpVolume } from './pod-defaults.js';
import { natsMonitorPort, natsService, serviceConfigMap } from './shared-config.js';

/**
 * Traces and metrics in the cluster, as a kustomize component (manifests/components/observability):
 * an OpenTelemetry Collector receiving OTLP from the services, the edge and Istio's sidecars and
 * exporting to Jaeger (the trace store, in memory); Prometheus scraping every pod that carries the
 * prometheus.io annotations (Istio merges the app's metrics into the sidecar's on :15020) and the
 * NATS exporter, with the alert rules of mesh/observability; Grafana with the provisioned
 * dashboards. The stack runs outside the mesh (no sidecars): sidecars send it plain text, and
 * Prometheus scrapes the merged endpoint Istio leaves outside mutual TLS.
 */
export const observabilityImages = {
  collector: 'otel/opentelemetry-collector:0.114.0',
  traceStore: 'jaegertracing/jaeger:2.1.0',
  prometheus: 'prom/prometheus:v3.0.1',
  grafana: 'grafana/grafana:11.4.0',
  natsExporter: 'natsio/prometheus-nats-exporter:0.16.0',
} as const;

const collectorConfigMap = 'otel-collector-config';
const prometheusConfigMap = 'prometheus-config';
const grafanaDatasourcesConfigMap = 'grafana-datasources';
const grafanaProvidersConfigMap = 'grafana-dashboard-providers';
const grafanaDashboardsConfigMap = 'grafana-dashboards';
/** Istio's merged metrics endpoint on every injected pod (app metrics plus the sidecar's). */
const istioMergedMetricsPort = 15020;
const collectorHealthPort = 13133;
const outsideTheMesh = { 'sidecar.istio.io/inject': 'false' };
const scrapeInterval = '15s';

const collectorUrl = (port: number): string => `http://${otelCollector.name}:${String(port)}`;

/** What the services read from bookstore-config in a cluster with the component: OTLP/HTTP to the collector. */
export function otlpEnvironment(): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl(otelCollector.otlpHttpPort) };
}

/** The collector's own configuration: OTLP in (gRPC and HTTP), memory-limited batches out to the trace store. */
export function collectorConfig(): string {
  const config = {
    extensions: { health_check: { endpoint: `0.0.0.0:${String(collectorHealthPort)}` } },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${String(otelCollector.otlpGrpcPort)}` }, http: { endpoint: `0.0.0.0:${String(otelCollector.otlpHttpPort)}` } } },
    },
    processors: { memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 }, batch: {} },
    exporters: { 'otlp/trace-store': { endpoint: `${traceStore.name}:${String(traceStore.otlpGrpcPort)}`, tls: { insecure: true } } },
    service: {
      extensions: ['health_check'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/trace-store'] } },
    },
  };
  return stringify(config, { lineWidth: 0 });
}

/**
 * Every pod of the namespace that asks to be scraped (prometheus.io annotations), labelled with its
 * `service` (the pod's app label) and `pod`: the labels the dashboards and alerts group by.
 */
export function prometheusConfig(): string {
  const config = {
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    rule_files: ['/etc/prometheus/bookstore.rules.yaml'],
    scrape_configs: [
      {
        job_name: 'bookstore-pods',
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [clusterNamespace] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' },
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], action: 'replace', target_label: '__metrics_path__', regex: '(.+)' },
          { source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'], action: 'replace', regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__' },
          { source_labels: ['__meta_kubernetes_pod_label_app'], target_label: 'service' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        ],
      },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

const labelsOf = (name: string): Record<string, string> => ({ ...workloadLabels(name), ...outsideTheMesh });

interface StackWorkload {
  name: string;
  container: IContainer;
  user: number;
  ports: IServicePort[];
  volumes: IVolume[];
  /** One replica: the store is in memory (Jaeger, Prometheus) or the pod has nothing to share (Grafana). */
  single: boolean;
  serviceAccount?: boolean;
}

function stackWorkload(workload: StackWorkload): Manifest[] {
  const { name } = workload;
  const labels = labelsOf(name);
  return [
    ...(workload.serviceAccount === true ? [new ServiceAccount({ metadata: { name, namespace: clusterNamespace, labels } })] : []),
    new Deployment({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: {
        ...(workload.single ? { replicas: 1 } : {}),
        selector: { matchLabels: { [appLabel]: name, [versionLabel]: stableVersion } },
        // A single replica holding memory state: a second one would start empty beside it.
        strategy: workload.single ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            ...(workload.serviceAccount === true ? { serviceAccountName: name } : {}),
            automountServiceAccountToken: workload.serviceAccount === true,
            securityContext: podSecurity(workload.user),
            containers: [{ ...workload.container, securityContext: containerSecurity(), volumeMounts: [...(workload.container.volumeMounts ?? []), tmpMount] }],
            volumes: [...workload.volumes, tmpVolume],
          },
        },
      },
    }),
    new Service({ metadata: { name, namespace: clusterNamespace, labels }, spec: { selector: { [appLabel]: name }, ports: workload.ports } }),
    ...(workload.single ? [] : [cpuAutoscaler(name)]),
    disruptOneAtATime(name),
  ];
}

const tcpPort = (name: string, port: number): IServicePort => ({ name, port, targetPort: name });
const configVolume = (name: string, configMap: string): IVolume => ({ name, configMap: { name: configMap } });

function collectorWorkload(): Manifest[] {
  return stackWorkload({
    name: otelCollector.name,
    user: 10001,
    single: false,
    ports: [tcpPort('grpc-otlp', otelCollector.otlpGrpcPort), tcpPort('http-otlp', otelCollector.otlpHttpPort)],
    volumes: [configVolume('config', collectorConfigMap)],
    container: {
      name: otelCollector.name,
      image: observabilityImages.collector,
      args: ['--config=/etc/otelcol/collector.yaml'],
      ports: [
        { name: 'grpc-otlp', containerPort: otelCollector.otlpGrpcPort },
        { name: 'http-otlp', containerPort: otelCollector.otlpHttpPort },
        { name: 'http-health', containerPort: collectorHealthPort },
      ],
      readinessProbe: httpProbe('/', 'http-health', { periodSeconds: 5, failureThreshold: 2 }),
      livenessProbe: httpProbe('/', 'http-health', { periodSeconds: 10, failureThreshold: 3 }),
      resources: resources('100m', '128Mi', '512Mi'),
      // The memory_limiter's percentages are of this limit.
      env: [{ name: 'GOMEMLIMIT', value: '460MiB' }],
      volumeMounts: [{ name: 'config', mountPath: '/etc/otelcol', readOnly: true }],
    },
  });
}

function traceStoreWorkload(): Manifest[] {
  return stackWorkload({
    name: traceStore.name,
    user: 10001,
    single: true,
    ports: [tcpPort('grpc-otlp', traceStore.otlpGrpcPort), tcpPort('http-query', traceStore.queryPort)],
    volumes: [],
    container: {
      name: traceStore.name,
      image: observabilityImages.traceStore,
      // The all-in-one configuration (memory store) listens on localhost unless told otherwise.
      env: [{ name: 'JAEGER_LISTEN_HOST', value: '0.0.0.0' }],
      ports: [
        { name: 'grpc-otlp', containerPort: traceStore.otlpGrpcPort },
        { name: 'http-query', containerPort: traceStore.queryPort },
      ],
      readinessProbe: httpProbe('/', 'http-query', { periodSeconds: 5, failureThreshold: 2 }),
      livenessProbe: httpProbe('/', 'http-query', { periodSeconds: 10, failureThreshold: 3 }),
      resources: resources('100m', '256Mi', '1Gi'),
    },
  });
}

function prometheusWorkload(): Manifest[] {
  const { name } = prometheus;
  return [
    ...stackWorkload({
      name,
      user: 65534,
      single: true,
      serviceAccount: true,
      ports: [tcpPort('http-prometheus', prometheus.port)],
      volumes: [configVolume('config', prometheusConfigMap), { name: 'data', emptyDir: {} }],
      container: {
        name,
        image: observabilityImages.prometheus,
        args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=2d', `--web.listen-address=:${String(prometheus.port)}`],
        ports: [{ name: 'http-prometheus', containerPort: prometheus.port }],
        readinessProbe: httpProbe('/-/ready', 'http-prometheus', { periodSeconds: 5, failureThreshold: 2 }),
        livenessProbe: httpProbe('/-/healthy', 'http-prometheus', { periodSeconds: 10, failureThreshold: 3 }),
        resources: resources('200m', '512Mi', '2Gi'),
        volumeMounts: [
          { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
          { name: 'data', mountPath: '/prometheus' },
        ],
      },
    }),
    // Pod discovery in this namespace only: a Role, not a ClusterRole.
    new Role({
      metadata: { name, namespace: clusterNamespace },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    }),
    new RoleBinding({
      metadata: { name, namespace: clusterNamespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: clusterNamespace }],
    }),
  ];
}

function grafanaWorkload(): Manifest[] {
  return stackWorkload({
    name: grafana.name,
    user: 472,
    single: true,
    ports: [tcpPort('http-grafana', grafana.port)],
    volumes: [
      configVolume('datasources', grafanaDatasourcesConfigMap),
      configVolume('providers', grafanaProvidersConfigMap),
      configVolume('dashboards', grafanaDashboardsConfigMap),
      { name: 'data', emptyDir: {} },
    ],
    container: {
      name: grafana.name,
      image: observabilityImages.grafana,
      // Read-only dashboards for anyone who reaches the port (kubectl port-forward): no login, no admin.
      env: [
        { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'true' },
        { name: 'GF_AUTH_ANONYMOUS_ORG_ROLE', value: 'Viewer' },
        { name: 'GF_AUTH_DISABLE_LOGIN_FORM', value: 'true' },
        { name: 'GF_AUTH_BASIC_ENABLED', value: 'false' },
        { name: 'GF_PATHS_DATA', value: '/var/lib/grafana' },
      ],
      ports: [{ name: 'http-grafana', containerPort: grafana.port }],
      readinessProbe: httpProbe('/api/health', 'http-grafana', { periodSeconds: 5, failureThreshold: 2 }),
      livenessProbe: httpProbe('/api/health', 'http-grafana', { periodSeconds: 10, failureThreshold: 3 }),
      resources: resources('50m', '128Mi', '512Mi'),
      volumeMounts: [
        { name: 'data', mountPath: '/var/lib/grafana' },
        { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
        { name: 'providers', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
        { name: 'dashboards', mountPath: grafanaDashboardsPath, readOnly: true },
      ],
    },
  });
}

const tcp = (...ports: number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port }));
const app = (name: string) => ({ podSelector: { matchLabels: { [appLabel]: name } } });

/** Beside the base's default deny: OTLP from every pod, the stack's own paths, scrapes from Prometheus. */
function stackNetworkPolicies(): NetworkPolicy[] {
  const allow = (name: string, selector: Record<string, string>, ingress: NonNullable<NetworkPolicy['spec']>['ingress']): NetworkPolicy =>
    new NetworkPolicy({ metadata: { name, namespace: clusterNamespace }, spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'], ingress } });
  return [
    allow(otelCollector.name, { [appLabel]: otelCollector.name }, [{ from: [{ podSelector: {} }], ports: tcp(otelCollector.otlpGrpcPort, otelCollector.otlpHttpPort) }]),
    allow(traceStore.name, { [appLabel]: traceStore.name }, [
      { from: [app(otelCollector.name)], ports: tcp(traceStore.otlpGrpcPort) },
      { from: [app(grafana.name)], ports: tcp(traceStore.queryPort) },
    ]),
    allow(prometheus.name, { [appLabel]: prometheus.name }, [{ from: [app(grafana.name)], ports: tcp(prometheus.port) }]),
    new NetworkPolicy({
      metadata: { name: 'scrape-from-prometheus', namespace: clusterNamespace },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [app(prometheus.name)], ports: tcp(istioMergedMetricsPort, clusterAdminPort, edgeMetricsPort, natsExporter.port) }],
      },
    }),
  ];
}

/** A strategic-merge patch: prometheus-nats-exporter beside each NATS server, reading its monitoring port. */
export function natsExporterPatch(): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: natsService },
    spec: {
      template: {
        // The merge puts the exporter first: kubectl logs and exec still mean the server.
        metadata: { annotations: { ...prometheusAnnotations(natsExporter.port, '/metrics'), 'kubectl.kubernetes.io/default-container': natsService } },
        spec: {
          containers: [
            {
              name: natsExporter.name,
              image: observabilityImages.natsExporter,
              args: ['-varz', '-connz', '-jsz=all', '-port', String(natsExporter.port), `http://localhost:${String(natsMonitorPort)}`],
              ports: [{ name: 'http-nats-metrics', containerPort: natsExporter.port }],
              readinessProbe: { tcpSocket: { port: 'http-nats-metrics' }, periodSeconds: 5, failureThreshold: 2 },
              livenessProbe: { tcpSocket: { port: 'http-nats-metrics' }, periodSeconds: 10, failureThreshold: 3 },
              resources: resources('10m', '32Mi', '128Mi'),
              securityContext: containerSecurity(),
            },
          ],
        },
      },
    },
  };
}

/** Files of mesh/observability the component's generators read, copied under it (kustomize reads only below a kustomization). */
const copied = (services: readonly MeshService[], dir: string): GeneratedFile[] => renderObservability(services).filter((file) => file.path.startsWith(`${dir}/`));

export function observabilityComponent(services: readonly MeshService[], componentDir: string, generator: string): GeneratedFile[] {
  const inComponent = (path: string): string => `${componentDir}/${path}`;
  const dashboards = copied(services, dashboardsDir).map((file) => ({ ...file, path: inComponent(`grafana/dashboards/${file.path.slice(dashboardsDir.length + 1)}`) }));
  const provisioning = copied(services, provisioningDir).map((file) => ({ ...file, path: inComponent(`grafana/${file.path.slice(provisioningDir.length + 1)}`) }));
  const rules = renderObservability(services).filter((file) => file.path === rulesFile).map((file) => ({ ...file, path: inComponent('prometheus/bookstore.rules.yaml') }));
  const relative = (file: GeneratedFile): string => file.path.slice(componentDir.length + 1);
  const resources = [...collectorWorkload(), ...traceStoreWorkload(), ...prometheusWorkload(), ...grafanaWorkload(), ...stackNetworkPolicies()];
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    resources: ['observability.yaml'],
    // In the workloads' namespace, so kustomize links their references to the hashed names.
    configMapGenerator: [
      { name: serviceConfigMap, behavior: 'merge', literals: Object.entries(otlpEnvironment()).map(([key, value]) => `${key}=${value}`) },
      { name: collectorConfigMap, files: ['collector/collector.yaml'] },
      { name: prometheusConfigMap, files: ['prometheus/prometheus.yml', ...rules.map(relative)] },
      { name: grafanaDatasourcesConfigMap, files: ['grafana/datasources.yaml'] },
      { name: grafanaProvidersConfigMap, files: ['grafana/dashboards.yaml'] },
      { name: grafanaDashboardsConfigMap, files: dashboards.map(relative) },
    ].map((generator) => ({ ...generator, namespace: clusterNamespace })),
    patches: [{ path: 'nats-exporter.yaml', target: { kind: 'StatefulSet', name: natsService } }],
  };
  return [
    { path: inComponent('observability.yaml'), content: yamlDocuments(generator, resources) },
    { path: inComponent('nats-exporter.yaml'), content: yamlDocuments(generator, [natsExporterPatch()]) },
    { path: inComponent('collector/collector.yaml'), content: generatedNotice(generator) + collectorConfig() },
    { path: inComponent('prometheus/prometheus.yml'), content: generatedNotice(generator) + prometheusConfig() },
    ...rules,
    ...provisioning,
    ...dashboards,
    { path: inComponent('kustomization.yaml'), content: yamlDocuments(generator, [kustomization]) },
  ];
}

/** The alert rules as a PrometheusRule, for a cluster whose Prometheus is run by the prometheus-operator. */
export function prometheusRuleComponent(componentDir: string, generator: string): GeneratedFile[] {
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'bookstore', namespace: clusterNamespace, labels: { 'app.kubernetes.io/part-of': 'bookstore-mesh' } },
    spec: ruleGroups(),
  };
  return [
    { path: `${componentDir}/prometheus-rule.yaml`, content: yamlDocuments(generator, [rule]) },
    { path: `${componentDir}/kustomization.yaml`, content: yamlDocuments(generator, [{ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: ['prometheus-rule.yaml'] }]) },
  ];
}
