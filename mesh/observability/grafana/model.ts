/**
 * The part of Grafana's dashboard JSON model the shop's dashboards use (schemaVersion 39): rows of
 * time series and stat panels over the Prometheus data source, a refresh and a time range.
 */
export const prometheusDatasource = { type: 'prometheus', uid: 'prometheus' } as const;
export const dashboardSchemaVersion = 39;

export interface Query {
  expr: string;
  /** Grafana's legend template, e.g. `{{consumer}}`. */
  legend: string;
}

export interface PanelSpec {
  title: string;
  kind: 'timeseries' | 'stat';
  /** Grafana unit id: reqps, percentunit, s, short, bytes. */
  unit: string;
  queries: readonly Query[];
  description?: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: readonly string[];
  /** Rows of panels, laid out left to right, each row its own height. */
  rows: readonly (readonly PanelSpec[])[];
}

const gridWidth = 24;
const rowHeight = { timeseries: 8, stat: 4 };

export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  let id = 0;
  let y = 0;
  const panels = spec.rows.flatMap((row) => {
    const width = Math.floor(gridWidth / row.length);
    const height = Math.max(...row.map((panel) => rowHeight[panel.kind]));
    const placed = row.map((panel, index) => {
      id += 1;
      return panelJson(panel, id, { x: index * width, y, w: width, h: height });
    });
    y += height;
    return placed;
  });
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [...spec.tags],
    editable: false,
    schemaVersion: dashboardSchemaVersion,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    timezone: 'browser',
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
}

function panelJson(panel: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }): Record<string, unknown> {
  return {
    id,
    type: panel.kind,
    title: panel.title,
    ...(panel.description === undefined ? {} : { description: panel.description }),
    gridPos,
    datasource: prometheusDatasource,
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    options: panel.kind === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'] }, colorMode: 'value' } : { legend: { displayMode: 'list', placement: 'bottom' } },
    targets: panel.queries.map((query, index) => ({
      refId: String.fromCharCode('A'.charCodeAt(0) + index),
      datasource: prometheusDatasource,
      expr: query.expr,
      legendFormat: query.legend,
    })),
  };
}
