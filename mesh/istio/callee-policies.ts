import type { CallEdge, CallPolicy } from '../policy/resilience.js';
import { httpCallers, type MeshService } from '../policy/services.js';

/** Everything Istio is told about one callee: its host-wide breaker and its callers' routes. */
export interface CalleePolicies {
  callee: MeshService;
  /** Istio applies one DestinationRule per host, so every edge into a callee must agree on it. */
  breaker: Pick<CallPolicy, 'circuitBreaker' | 'connectionPool'>;
  edges: CallEdge[];
}

/** Groups the call edges by callee, refusing edges that name no service or disagree on the breaker. */
export function calleePolicies(edges: readonly CallEdge[], services: readonly MeshService[]): CalleePolicies[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  for (const edge of edges) {
    if (!byName.has(edge.callee)) throw new Error(`resilience.ts: ${edge.caller} -> ${edge.callee} calls a service not in services.ts`);
    if (!httpCallers.includes(edge.caller) && !byName.has(edge.caller)) throw new Error(`resilience.ts: ${edge.caller} -> ${edge.callee} has a caller not in services.ts`);
  }
  return services.flatMap((callee): CalleePolicies[] => {
    const into = edges.filter((edge) => edge.callee === callee.name).sort((a, b) => a.caller.localeCompare(b.caller));
    const first = into[0];
    if (first === undefined) return [];
    const breaker = { circuitBreaker: first.circuitBreaker, connectionPool: first.connectionPool };
    const disagreeing = into.filter((edge) => JSON.stringify([edge.circuitBreaker, edge.connectionPool]) !== JSON.stringify([breaker.circuitBreaker, breaker.connectionPool]));
    if (disagreeing.length > 0) {
      throw new Error(`resilience.ts: edges into ${callee.name} disagree on circuitBreaker/connectionPool (${[first, ...disagreeing].map((edge) => edge.caller).join(', ')}); Istio has one DestinationRule per host`);
    }
    return [{ callee, breaker, edges: into }];
  });
}
