import { checkInvariants, type InvariantOptions, type Violation } from './invariants.js';
import type { RestClient } from './rest-client.js';
import type { CardProcessorClient } from './card-processor-client.js';
import { takeSnapshot } from './snapshot.js';

/**
 * The invariants hold "once quiet": events may still be on their way when a workload ends. Checks
 * until nothing is violated or `timeoutMs` passes, and returns what was still violated then.
 */
export async function checkOnceQuiet(rest: RestClient, options: InvariantOptions & { processor?: CardProcessorClient | undefined }, timeoutMs: number): Promise<Violation[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const violations = checkInvariants(await takeSnapshot(rest, options.processor), options);
    if (violations.length === 0 || Date.now() > deadline) return violations;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
