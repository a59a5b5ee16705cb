import { parser } from '@prometheus-io/lezer-promql';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../envoy/generated-files.js';
import { dashboardsDir, rulesFile } from '../../observability/render.js';

/** Syntax errors of one PromQL expression, as the Prometheus project's own grammar (the one its UI uses) finds them. */
export function promqlProblems(expr: string): string[] {
  const problems: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) problems.push(`syntax error at ${String(node.from)}: "${expr.slice(Math.max(0, node.from - 20), node.from + 20)}"`);
    },
  });
  return problems;
}

/** The metric names an expression selects (every vector selector's name). */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier !== null) names.push(expr.slice(identifier.from, identifier.to));
    },
  });
  return names;
}

/** Each vector selector's metric name with the label names its matchers use. */
export function selectorLabels(expr: string): { metric: string; labels: string[] }[] {
  const selectors: { metric: string; labels: string[] }[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier === null) return;
      const labels: string[] = [];
      node.node.getChild('LabelMatchers')?.cursor().iterate((inner) => {
        if (inner.name === 'LabelName') labels.push(expr.slice(inner.from, inner.to));
      });
      selectors.push({ metric: expr.slice(identifier.from, identifier.to), labels });
    },
  });
  return selectors;
}

/** The label names each series name carries in an exposition's samples (metrics without a sample are absent). */
export function exposedLabels(exposition: string): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? /.exec(line);
    if (sample === null) continue;
    const [, name = '', , body = ''] = sample;
    const known = labels.get(name) ?? new Set<string>();
    for (const [, label = ''] of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) known.add(label);
    labels.set(name, known);
  }
  return labels;
}

/** Labels Prometheus adds to every series of the cluster's scrape (manifests/generator/observability.ts), not the processes. */
export const scrapeLabels = ['service', 'pod'];

export interface NamedExpression {
  where: string;
  expr: string;
}

/** Every target expression of every committed dashboard. */
export function dashboardExpressions(): NamedExpression[] {
  const dir = join(repoRoot, dashboardsDir);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => {
      const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
      return dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `${file}: ${panel.title}`, expr: target.expr })));
    });
}

/** Every rule expression of the committed plain rules file. */
export function ruleExpressions(): NamedExpression[] {
  const rules = parse(readFileSync(join(repoRoot, rulesFile), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `${rulesFile}: ${rule.alert}`, expr: rule.expr })));
}

/**
 * Metrics the dashboards may name although no process of the local mesh exports them: the
 * prometheus-nats-exporter's (-varz, -jsz=all), which runs beside NATS in a cluster only
 * (manifests/components/observability).
 */
export const natsExporterMetrics = [
  'gnatsd_varz_in_msgs',
  'gnatsd_varz_out_msgs',
  'gnatsd_varz_connections',
  'gnatsd_varz_slow_consumers',
  'jetstream_consumer_num_pending',
  'jetstream_consumer_num_ack_pending',
];

/** The series names a Prometheus text exposition declares: histograms as their _bucket, _sum and _count. */
export function exposedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const typed = /^# TYPE (\S+) (\S+)/.exec(line);
    if (typed === null) continue;
    const [, name = '', type] = typed;
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
