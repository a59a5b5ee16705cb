import { stringify } from 'yaml';
import { generatedNotice, yamlDocuments, type GeneratedFile } from '../envoy/generated-files.js';
import { meshService, type MeshService } from '../policy/services.js';
import { ruleGroups } from './alerts.js';
import { eventFlowDashboard, overviewDashboard, paymentsDashboard, serviceDashboard } from './grafana/dashboards.js';
import { dashboardJson, prometheusDatasource, type DashboardSpec } from './grafana/model.js';
import { prometheus, traceStore } from './stack.js';

const generator = 'mesh/observability/generate.ts';
/** Grafana dashboards as provisioned JSON, one file per dashboard. */
export const dashboardsDir = 'mesh/observability/dashboards';
/** Grafana's provisioning: the data sources and the dashboard provider reading the directory above. */
export const provisioningDir = 'mesh/observability/provisioning';
export const rulesDir = 'mesh/observability/rules';
export const rulesFile = `${rulesDir}/bookstore.rules.yaml`;
/** Where Grafana's pod mounts the dashboards (the provider's path). */
export const grafanaDashboardsPath = '/var/lib/grafana/dashboards';

export function dashboards(services: readonly MeshService[]): DashboardSpec[] {
  return [overviewDashboard(), eventFlowDashboard(), paymentsDashboard(meshService('payment')), ...services.map(serviceDashboard)];
}

/** Dashboards, Grafana provisioning and the plain Prometheus rules file. JSON files carry no notice (JSON has no comments). */
export function renderObservability(services: readonly MeshService[]): GeneratedFile[] {
  const datasources = {
    apiVersion: 1,
    datasources: [
      { name: 'Prometheus', type: prometheusDatasource.type, uid: prometheusDatasource.uid, access: 'proxy', url: `http://${prometheus.name}:${String(prometheus.port)}`, isDefault: true, editable: false },
      { name: 'Jaeger', type: 'jaeger', uid: 'jaeger', access: 'proxy', url: `http://${traceStore.name}:${String(traceStore.queryPort)}`, editable: false },
    ],
  };
  const providers = {
    apiVersion: 1,
    providers: [{ name: 'bookstore', folder: 'Bookstore', type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: grafanaDashboardsPath } }],
  };
  return [
    ...dashboards(services).map((spec) => ({ path: `${dashboardsDir}/${spec.uid}.json`, content: `${JSON.stringify(dashboardJson(spec), null, 2)}\n` })),
    { path: `${provisioningDir}/datasources.yaml`, content: yamlDocuments(generator, [datasources]) },
    { path: `${provisioningDir}/dashboards.yaml`, content: yamlDocuments(generator, [providers]) },
    { path: rulesFile, content: generatedNotice(generator) + stringify(ruleGroups(), { lineWidth: 0 }) },
  ];
}
