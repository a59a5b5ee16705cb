import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../envoy/generated-files.js';
import { alerts, ruleGroups, runbookBase } from '../observability/alerts.js';
import { dashboardsDir, provisioningDir, renderObservability, rulesDir, rulesFile } from '../observability/render.js';
import { edgeTracingCluster, istioTracingProvider, otelCollector } from '../observability/stack.js';
import { istioInstallFile } from '../istio/render.js';
import { meshServices } from '../policy/services.js';
import { driftProblems } from './support/drift.js';
import { kustomizationProblems } from './support/kustomization-rules.js';
import { kustomizeAvailable, kustomizeBuild } from './support/kustomize.js';
import { asKubernetesObjects, type KubernetesObject } from './support/kubernetes-object.js';
import { schemaProblems } from './support/kubernetes-schemas.js';
import { dashboardExpressions, exposedLabels, exposedMetricNames, metricNames, promqlProblems, ruleExpressions, selectorLabels } from './support/promql.js';
import { readRepoFile, readYaml } from './support/repo-files.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: { refId: string; expr: string; legendFormat: string; datasource: { uid: string } }[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: unknown[] };
}

interface EdgeBootstrap {
  static_resources: {
    listeners: { name: string; filter_chains: { filters: { typed_config: { tracing?: { provider: { name: string; typed_config: { grpc_service: { envoy_grpc: { cluster_name: string } } } } } } }[] }[] }[];
    clusters: { name: string; load_assignment: unknown }[];
  };
}

const componentDir = 'manifests/components/observability';
const dashboardFiles = renderObservability(meshServices).filter((file) => file.path.startsWith(`${dashboardsDir}/`));
const committedDashboards = (): { path: string; dashboard: Dashboard }[] =>
  dashboardFiles.map((file) => ({ path: file.path, dashboard: JSON.parse(readRepoFile(file.path)) as Dashboard }));

/** The Grafana shape these dashboards rely on: a uid, panels on the 24-column grid, each with Prometheus targets. */
function dashboardProblems(dashboard: Dashboard, datasourceUids: readonly string[]): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9-]{1,40}$/.test(dashboard.uid)) problems.push(`uid ${dashboard.uid} is not a Grafana uid (at most 40 characters)`);
  if (typeof dashboard.title !== 'string' || dashboard.title === '') problems.push('no title');
  if (!Number.isInteger(dashboard.schemaVersion)) problems.push('no schemaVersion');
  if (!Array.isArray(dashboard.panels) || dashboard.panels.length === 0) return [...problems, 'no panels'];
  const ids = dashboard.panels.map((panel) => panel.id);
  if (new Set(ids).size !== ids.length) problems.push('panel ids repeat');
  for (const panel of dashboard.panels) {
    const where = `panel "${panel.title}"`;
    if (!['timeseries', 'stat'].includes(panel.type)) problems.push(`${where}: type ${panel.type}`);
    const { x, y, w, h } = panel.gridPos;
    if (![x, y, w, h].every(Number.isInteger) || x < 0 || w < 1 || x + w > 24 || h < 1 || y < 0) problems.push(`${where}: gridPos off the 24-column grid`);
    if (!datasourceUids.includes(panel.datasource.uid)) problems.push(`${where}: data source ${panel.datasource.uid} is not provisioned`);
    if (panel.targets.length === 0) problems.push(`${where}: no target`);
    const refIds = panel.targets.map((target) => target.refId);
    if (new Set(refIds).size !== refIds.length) problems.push(`${where}: refIds repeat`);
    for (const target of panel.targets) if (typeof target.expr !== 'string' || target.expr === '') problems.push(`${where}: a target without expr`);
  }
  return problems;
}

describe('dashboards and alerts as code (mesh/observability)', () => {
  const datasources = (parse(readRepoFile(`${provisioningDir}/datasources.yaml`)) as { datasources: { uid: string; type: string; url: string }[] }).datasources;

  it('the committed files equal the generator\'s output, here and in the observability component', () => {
    expect(driftProblems(renderObservability(meshServices), [dashboardsDir, provisioningDir, rulesDir])).to.deep.equal([]);
    for (const file of dashboardFiles) expect(readRepoFile(`${componentDir}/grafana/dashboards/${file.path.slice(dashboardsDir.length + 1)}`), file.path).to.equal(file.content);
    expect(readRepoFile(`${componentDir}/prometheus/bookstore.rules.yaml`)).to.equal(readRepoFile(rulesFile));
  });

  it('dashboards are valid JSON in the Grafana shape they rely on, with unique uids', () => {
    const uids = datasources.map((source) => source.uid);
    const dashboards = committedDashboards();
    expect(dashboards.flatMap(({ path, dashboard }) => dashboardProblems(dashboard, uids).map((problem) => `${path}: ${problem}`))).to.deep.equal([]);
    expect(new Set(dashboards.map(({ dashboard }) => dashboard.uid)).size).to.equal(dashboards.length);
  });

  it('the dashboard check refuses a panel off the grid, an unknown data source and a panel without targets', () => {
    const [first] = committedDashboards();
    const broken = structuredClone(first?.dashboard) as Dashboard;
    const [panel, second] = broken.panels;
    if (panel === undefined || second === undefined) throw new Error('a dashboard of one panel');
    panel.gridPos.w = 30;
    panel.datasource.uid = 'graphite';
    second.targets = [];
    expect(dashboardProblems(broken, ['prometheus']).join('\n')).to.match(/off the 24-column grid/).and.match(/graphite is not provisioned/).and.match(/no target/);
  });

  it('has the shop at a glance, the event flow, payments, and one dashboard per service of services.ts', () => {
    const uids = committedDashboards().map(({ dashboard }) => dashboard.uid);
    expect(uids).to.include.members(['bookstore-overview', 'bookstore-event-flow', 'bookstore-payments', ...meshServices.map((service) => `bookstore-service-${service.name}`)]);
  });

  it('provisions Prometheus and the trace store as data sources and the dashboards as a file provider', () => {
    expect(datasources.map((source) => source.type).sort()).to.deep.equal(['jaeger', 'prometheus']);
    const providers = (parse(readRepoFile(`${provisioningDir}/dashboards.yaml`)) as { providers: { type: string; options: { path: string } }[] }).providers;
    expect(providers.map((provider) => provider.type)).to.deep.equal(['file']);
  });

  it('every PromQL expression of the dashboards and the rules parses', () => {
    const expressions = [...dashboardExpressions(), ...ruleExpressions()];
    expect(expressions.length).to.be.greaterThan(40);
    expect(expressions.flatMap(({ where, expr }) => promqlProblems(expr).map((problem) => `${where}: ${problem} in ${expr}`))).to.deep.equal([]);
  });

  it('the PromQL check refuses a broken expression and reads the metric names of a sound one', () => {
    expect(promqlProblems('sum(rate(grpc_server_handled_total[1m])')).to.not.deep.equal([]);
    expect(promqlProblems('sum by (le) rate(x[1m]))')).to.not.deep.equal([]);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket{x="y"}[1m]))) > 1 and on() max(b) or vector(0)')).to.deep.equal(['a_bucket', 'b']);
  });

  it('reads the names and labels a scrape exposes and the labels a selector matches on', () => {
    const exposition = [
      '# HELP a_seconds x',
      '# TYPE a_seconds histogram',
      'a_seconds_bucket{le="0.1",grpc_code="OK"} 1',
      '# TYPE b_total counter',
      'b_total 3',
    ].join('\n');
    expect([...exposedMetricNames(exposition)].sort()).to.deep.equal(['a_seconds_bucket', 'a_seconds_count', 'a_seconds_sum', 'b_total']);
    expect(exposedLabels(exposition).get('a_seconds_bucket')).to.deep.equal(new Set(['le', 'grpc_code']));
    expect(selectorLabels('sum by (x) (rate(a_seconds_bucket{grpc_code=~"U.*", service="c"}[1m])) / b_total')).to.deep.equal([
      { metric: 'a_seconds_bucket', labels: ['grpc_code', 'service'] },
      { metric: 'b_total', labels: [] },
    ]);
  });

  it('alerts: the rules file and the PrometheusRule hold the one declaration, each with a runbook section', () => {
    const [rule] = asKubernetesObjects(readYaml('manifests/components/prometheus-rules/prometheus-rule.yaml'), 'prometheus-rule.yaml') as (KubernetesObject & { spec: unknown })[];
    expect(rule?.spec).to.deep.equal(ruleGroups());
    expect(parse(readRepoFile(rulesFile))).to.deep.equal(ruleGroups());
    const names = alerts.map((alert) => alert.name);
    expect(names).to.include.members([
      'BookstoreServiceErrorRatioHigh',
      'BookstoreLatencyP99High',
      'BookstoreConsumerLagGrowing',
      'BookstoreOutboxStale',
      'BookstoreEventsDeadLettered',
      'BookstoreCircuitBreakerOpen',
      'BookstorePaymentsPendingTooLong',
    ]);
    const runbooks = readFileSync(join(repoRoot, runbookBase), 'utf8');
    const anchors = new Set([...runbooks.matchAll(/^## (.+)$/gm)].map(([, heading = '']) => heading.toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-')));
    for (const alert of alerts) expect(anchors.has(alert.runbook), `${alert.name}: ${runbookBase}#${alert.runbook}`).to.equal(true);
  });

  it('the PrometheusRule validates strictly; the check refuses a typo, a rule that both records and alerts, and a bad duration', () => {
    const [rule] = asKubernetesObjects(readYaml('manifests/components/prometheus-rules/prometheus-rule.yaml'), 'prometheus-rule.yaml');
    if (rule === undefined) throw new Error('no PrometheusRule');
    expect(schemaProblems(rule)).to.deep.equal([]);
    const broken = structuredClone(rule) as unknown as { spec: { groups: { rules: Record<string, unknown>[] }[] } };
    const [first, second, third] = broken.spec.groups[0]?.rules ?? [];
    if (first === undefined || second === undefined || third === undefined) throw new Error('fewer than three rules');
    first['annotation'] = { summary: 'typo' };
    second['record'] = 'job:both';
    third['for'] = '5 minutes';
    const problems = schemaProblems(broken as unknown as KubernetesObject).join('\n');
    expect(problems).to.match(/rules\/0 must NOT have additional properties \(annotation\)/).and.match(/rules\/1 must match exactly one schema/).and.match(/rules\/2\/for must match pattern/);
  });
});

describe('the observability component (manifests/components/observability)', () => {
  const objects = asKubernetesObjects(readYaml(`${componentDir}/observability.yaml`), 'observability.yaml');

  it('validates strictly against the Kubernetes v1.35.0 schemas, and its kustomizations name only files that exist', () => {
    expect(objects.flatMap(schemaProblems)).to.deep.equal([]);
    expect([componentDir, 'manifests/components/prometheus-rules'].flatMap((dir) => kustomizationProblems(dir))).to.deep.equal([]);
  });

  it('runs the collector, the trace store, Prometheus and Grafana outside the mesh, each with a Service', () => {
    const deployments = objects.filter((object) => object.kind === 'Deployment') as (KubernetesObject & { spec: { template: { metadata: { labels: Record<string, string> } } } })[];
    expect(deployments.map((deployment) => deployment.metadata.name)).to.deep.equal([otelCollector.name, 'jaeger', 'prometheus', 'grafana']);
    for (const deployment of deployments) {
      expect(deployment.spec.template.metadata.labels['sidecar.istio.io/inject'], deployment.metadata.name).to.equal('false');
      expect(objects.some((object) => object.kind === 'Service' && object.metadata.name === deployment.metadata.name), deployment.metadata.name).to.equal(true);
    }
  });

  it('gives Grafana every dashboard and Prometheus the rules, through ConfigMaps kustomize builds from the generated files', () => {
    const [kustomization] = readYaml(`${componentDir}/kustomization.yaml`) as [{ configMapGenerator: { name: string; files?: string[] }[] }];
    const files = (name: string): string[] => kustomization.configMapGenerator.find((generator) => generator.name === name)?.files ?? [];
    expect(files('grafana-dashboards')).to.deep.equal(dashboardFiles.map((file) => `grafana/dashboards/${file.path.slice(dashboardsDir.length + 1)}`));
    expect(files('prometheus-config')).to.include('prometheus/bookstore.rules.yaml');
    const prometheusConfig = parse(readRepoFile(`${componentDir}/prometheus/prometheus.yml`)) as { rule_files: string[]; scrape_configs: { relabel_configs: { target_label?: string }[] }[] };
    expect(prometheusConfig.rule_files).to.deep.equal(['/etc/prometheus/bookstore.rules.yaml']);
    expect(prometheusConfig.scrape_configs.flatMap((config) => config.relabel_configs.map((relabel) => relabel.target_label))).to.include.members(['service', 'pod']);
  });
});

describe('each overlay with the observability component, as kubectl kustomize builds it', function () {
  before(function () {
    if (!kustomizeAvailable()) this.skip();
  });

  for (const overlay of ['manifests/overlays/dev', 'manifests/overlays/prod']) {
    it(`${overlay}: NATS has the exporter beside it, annotated for the scrape, and the services' ConfigMap the OTLP endpoint`, () => {
      const built = kustomizeBuild(overlay);
      const nats = built.find((object) => object.kind === 'StatefulSet' && object.metadata.name === 'nats') as (KubernetesObject & { spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { name: string }[] } } } }) | undefined;
      expect(nats?.spec.template.spec.containers.map((container) => container.name).sort()).to.deep.equal(['nats', 'nats-exporter']);
      expect(nats?.spec.template.metadata.annotations?.['kubectl.kubernetes.io/default-container']).to.equal('nats');
      expect(nats?.spec.template.metadata.annotations?.['prometheus.io/port']).to.equal('7777');
      const config = built.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('bookstore-config-')) as (KubernetesObject & { data: Record<string, string> }) | undefined;
      expect(config?.data['OTEL_EXPORTER_OTLP_ENDPOINT']).to.equal(`http://${otelCollector.name}:${String(otelCollector.otlpHttpPort)}`);
      expect(built.some((object) => object.kind === 'PrometheusRule')).to.equal(overlay.endsWith('prod'));
    });
  }
});

describe('tracing in the cluster points at the collector', () => {
  it('Istio: meshConfig names the collector as an OpenTelemetry provider and the namespace Telemetry uses it', () => {
    const [install] = readYaml(istioInstallFile) as [{ kind: string; spec: { meshConfig: Record<string, unknown> } }];
    expect(install.kind).to.equal('IstioOperator');
    // No schema of meshConfig is vendored (IstioOperator keeps it open): its shape is checked here, strictly.
    expect(Object.keys(install.spec.meshConfig)).to.deep.equal(['extensionProviders']);
    expect(install.spec.meshConfig['extensionProviders']).to.deep.equal([
      { name: istioTracingProvider, opentelemetry: { service: `${otelCollector.name}.bookstore.svc.cluster.local`, port: otelCollector.otlpGrpcPort } },
    ]);
    const [telemetry] = asKubernetesObjects(readYaml('mesh/istio/resources/telemetry.yaml'), 'telemetry.yaml') as (KubernetesObject & { spec: { tracing: { providers: { name: string }[] }[] } })[];
    if (telemetry === undefined) throw new Error('no Telemetry');
    expect(schemaProblems(telemetry)).to.deep.equal([]);
    expect(telemetry.spec.tracing.flatMap((entry) => entry.providers.map((provider) => provider.name))).to.deep.equal([istioTracingProvider]);
  });

  it('the Envoy edge traces with OpenTelemetry to a cluster on the collector', () => {
    const [bootstrap] = readYaml('mesh/envoy/envoy.yaml') as [EdgeBootstrap];
    const edge = bootstrap.static_resources.listeners.find((listener) => listener.name === 'edge');
    const tracing = edge?.filter_chains[0]?.filters[0]?.typed_config.tracing;
    expect(tracing?.provider.name).to.equal('envoy.tracers.opentelemetry');
    expect(tracing?.provider.typed_config.grpc_service.envoy_grpc.cluster_name).to.equal(edgeTracingCluster);
    const cluster = bootstrap.static_resources.clusters.find((candidate) => candidate.name === edgeTracingCluster);
    expect(JSON.stringify(cluster?.load_assignment)).to.include(`"address":"${otelCollector.name}","port_value":${String(otelCollector.otlpGrpcPort)}`);
  });

  it('the services export OTLP/HTTP to the collector, each under its own name', () => {
    const kustomization = readYaml(`${componentDir}/kustomization.yaml`)[0] as { configMapGenerator: { name: string; literals?: string[] }[] };
    expect(kustomization.configMapGenerator.find((generator) => generator.name === 'bookstore-config')?.literals).to.deep.equal([`OTEL_EXPORTER_OTLP_ENDPOINT=http://${otelCollector.name}:${String(otelCollector.otlpHttpPort)}`]);
    for (const service of meshServices) expect(readRepoFile(`manifests/base/services/${service.name}.yaml`)).to.match(new RegExp(`- name: OTEL_SERVICE_NAME\\n\\s+value: ${service.name}\\n`));
  });
});
