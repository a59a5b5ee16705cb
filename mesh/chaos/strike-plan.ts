import type { SeededRandom } from '../invariants/random.js';

/**
 * Which operation of the workload (0-based) each kill strikes before, and whom: one kill in each of
 * `kills` equal stretches of the workload, at a seeded place within it, so every kill lands while
 * the workload runs and the kills spread over all of it.
 */
export function strikePlan<V>(random: SeededRandom, operations: number, kills: number, victims: readonly V[]): Map<number, V> {
  const plan = new Map<number, V>();
  if (victims.length === 0) return plan;
  const stretch = operations / Math.max(kills, 1);
  for (let kill = 0; kill < kills && operations > 0; kill += 1) {
    const from = Math.floor(kill * stretch);
    const to = Math.max(from, Math.floor((kill + 1) * stretch) - 1);
    let index = random.int(from, to);
    // More kills than operations: the next free operation.
    while (plan.has(index) && index < operations - 1) index += 1;
    if (!plan.has(index)) plan.set(index, random.pick(victims));
  }
  return plan;
}
