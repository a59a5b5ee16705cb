import { register } from 'prom-client';
import { parsePrometheusText, type Sample } from '#kit/admin/prometheus-text.js';

export type { Sample } from '#kit/admin/prometheus-text.js';

/** The samples of a /metrics page, comments left out; a malformed line throws. */
export const samplesOf = parsePrometheusText;

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
