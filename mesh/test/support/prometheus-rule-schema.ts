/**
 * The PrometheusRule (monitoring.coreos.com/v1) as the prometheus-operator's API defines it, for the
 * fields a rule group can hold, strict like the vendored schemas (no other key). No npm package
 * publishes the operator's CRD schema itself (the @kubernetes-models model validates without
 * refusing unknown fields), so this one is written here from the operator's API reference.
 */
const duration = { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['expr'],
  properties: {
    alert: { type: 'string', minLength: 1 },
    record: { type: 'string', minLength: 1 },
    expr: { type: 'string', minLength: 1 },
    for: duration,
    keep_firing_for: { ...duration, minLength: 1 },
    labels: stringMap,
    annotations: stringMap,
  },
  // A rule records or alerts, never both.
  oneOf: [{ required: ['alert'], not: { required: ['record'] } }, { required: ['record'], not: { required: ['alert'] } }],
};

export const ruleGroupsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          interval: duration,
          query_offset: duration,
          limit: { type: 'integer' },
          partial_response_strategy: { type: 'string', pattern: '^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$' },
          labels: stringMap,
          rules: { type: 'array', items: rule },
        },
      },
    },
  },
};

export const prometheusRuleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'PrometheusRule' },
    metadata: { type: 'object' },
    spec: ruleGroupsSchema,
  },
};
