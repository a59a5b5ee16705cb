/** One sample of the Prometheus text exposition format: `name{label="value",…} value [timestamp]`. */
export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export class PrometheusTextError extends Error {
  constructor(lineNumber: number, line: string, problem: string) {
    super(`line ${lineNumber}: ${problem}: ${line}`);
    this.name = 'PrometheusTextError';
  }
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*/;
// prom-client writes NaN as `Nan` (an idle event-loop lag, for one), so case is not significant.
const number = /^(?:[+-]?inf|nan|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;
const escapes: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

/**
 * The samples of a /metrics answer (text format 0.0.4), in order. Strict: a line that is not a
 * comment, a blank or a well-formed sample throws, naming the line, rather than being skipped.
 * HELP and TYPE lines carry nothing its readers (the console, tests) need: histograms are read
 * from their `_bucket` samples by name.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    samples.push(parseSample(line, index + 1));
  });
  return samples;
}

function parseSample(line: string, lineNumber: number): Sample {
  const fail = (problem: string): never => {
    throw new PrometheusTextError(lineNumber, line, problem);
  };
  const name = metricName.exec(line)?.[0] ?? fail('no metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      if (rest === '') fail('the labels are not closed');
      const label = labelName.exec(rest)?.[0] ?? fail('bad label name');
      rest = rest.slice(label.length).trimStart();
      if (!rest.startsWith('="')) fail(`label ${label} has no ="value"`);
      rest = rest.slice(2);
      let value = '';
      for (;;) {
        const char = rest[0] ?? fail(`label ${label}'s value is not closed`);
        rest = rest.slice(1);
        if (char === '"') break;
        if (char !== '\\') {
          value += char;
          continue;
        }
        value += escapes[rest[0] ?? ''] ?? fail(`label ${label}'s value has an unknown escape`);
        rest = rest.slice(1);
      }
      if (label in labels) fail(`label ${label} appears twice`);
      labels[label] = value;
      rest = rest.trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (rest !== '' && !rest.startsWith('}')) fail('labels are not separated by commas');
    }
    rest = rest.slice(1);
  }
  if (!/^[ \t]/.test(rest)) fail('no value after the name and labels');
  const [value = '', timestamp, ...extra] = rest.trim().split(/[ \t]+/);
  if (!number.test(value)) fail(`value ${value} is not a number`);
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) fail(`timestamp ${timestamp} is not whole milliseconds`);
  if (extra.length > 0) fail('more than a value and a timestamp');
  return { name, labels, value: parseValue(value) };
}

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}
