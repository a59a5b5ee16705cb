import { register } from 'prom-client';

/** One line of the Prometheus text format: a sample's name, labels and value. */
export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a /metrics page, comments left out. */
export function samplesOf(exposition: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of exposition.split('\n')) {
    const match = sampleLine.exec(line);
    if (match === null) continue;
    const [, name = '', labelText = '', value = ''] = match;
    const labels = Object.fromEntries([...labelText.matchAll(labelPair)].map(([, label = '', text = '']) => [label, text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))]));
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

/**
 * The sum of the samples named `name` whose labels include `labels` (every other label any value),
 * 0 when there is none.
 */
export function sampleSum(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  const wanted = Object.entries(labels);
  return samples
    .filter((sample) => sample.name === name && wanted.every(([label, text]) => sample.labels[label] === text))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** The samples this process would serve at its admin /metrics now (the default registry). */
export async function processSamples(): Promise<Sample[]> {
  return samplesOf(await register.metrics());
}
