import { NatsServer } from '#kit/process/nats-server.js';
import { PostgresServer } from '#kit/process/postgres-server.js';
import { waitFor } from '#kit/process/ports.js';
import { checkOnceQuiet } from '../invariants/converge.js';
import type { Violation } from '../invariants/invariants.js';
import { SeededRandom } from '../invariants/random.js';
import type { RestClient } from '../invariants/rest-client.js';
import { takeSnapshot } from '../invariants/snapshot.js';
import { runWorkload } from '../invariants/workload.js';
import type { LocalMesh } from '../local/local-mesh.js';
import { meshServices } from '../policy/services.js';
import { strikePlan } from './strike-plan.js';

export interface ChaosOptions {
  seed: number;
  operations: number;
  concurrency: number;
  /** SIGKILLs during the workload, of service replicas, the broker and the store: each one happens. */
  kills: number;
  /**
   * Who may be killed: service replicas and NATS nodes by default, and the PostgreSQL server the
   * services' stores are on when given (its postmaster, then started again).
   */
  victims?: { replicas?: boolean; nats?: boolean; postgres?: PostgresServer | undefined };
  /** How long the invariants may take to hold once the workload ended (events in flight). */
  quietTimeoutMs: number;
}

export interface ChaosReport {
  operations: number;
  /** Operations answered 2xx. */
  acknowledged: number;
  /** Acknowledged orders the shop does not have. */
  lost: number;
  /** Orders of the workload's customers beyond the placements it attempted. */
  duplicated: number;
  /** What was killed, in order. */
  kills: string[];
  /** Operation kind -> HTTP status -> count: how the shop answered meanwhile. */
  outcomes: Record<string, Record<string, number>>;
  /** Answers no correct shop gives, even under chaos (a 5xx, no answer): what each said. */
  unexpected: string[];
  /** Invariant violations once quiet (lost orders included). */
  violations: Violation[];
}

/**
 * The seeded workload through the edge while seeded SIGKILLs hit service replicas (the mesh's
 * supervisor restarts them), the broker and the store (restarted here): each kill before a seeded
 * operation of its own stretch of the workload, once the last victim is back, so every requested
 * kill happens while the workload runs; then, every victim back, the invariant checker. Needs a
 * supervised mesh, best with two replicas per service.
 */
export async function runChaos(mesh: LocalMesh, rest: RestClient, options: ChaosOptions): Promise<ChaosReport> {
  const random = new SeededRandom(options.seed);
  // Orders the shop had before are not the workload's to account for.
  const before = (await takeSnapshot(rest)).orders.map((order) => order.id);
  const { replicas = true, nats = true, postgres } = options.victims ?? {};
  const victims: Victim[] = [
    ...(replicas ? meshServices.flatMap((service) => Array.from({ length: mesh.replicaCount(service.name) }, (_, replica) => ({ service: service.name, replica }))) : []),
    ...(nats ? mesh.natsNodes : []),
    ...(postgres === undefined ? [] : [postgres]),
  ];
  const strikes = strikePlan(random, options.operations, options.kills, victims);
  const kills: string[] = [];
  // One victim down at a time: a strike waits until the one before is back.
  let lastBack: Promise<void> = Promise.resolve();
  const beforeOperation = async (index: number): Promise<void> => {
    const victim = strikes.get(index);
    if (victim === undefined) return;
    const struck = lastBack.then(() => strike(mesh, victim, random, kills));
    lastBack = struck.then(({ back }) => back);
    await struck;
  };
  const workload = runWorkload(rest, { ...options, beforeOperation });
  const result = await workload;
  await lastBack;
  const violations = await checkOnceQuiet(rest, { acceptedOrderIds: [...before, ...result.acceptedOrderIds] }, options.quietTimeoutMs);
  const snapshot = await takeSnapshot(rest);
  const customers = new Set(result.customerIds);
  const placed = snapshot.orders.filter((order) => customers.has(order.customerId)).length;
  const attempted = ['placeOrder', 'placeOrderWithCoupon'].reduce((sum, operation) => sum + Object.values(result.outcomes[operation] ?? {}).reduce((a, b) => a + b, 0), 0);
  const acknowledged = Object.values(result.outcomes).reduce((sum, byStatus) => sum + (byStatus['2xx'] ?? 0), 0);
  return {
    operations: options.operations,
    acknowledged,
    lost: violations.filter((violation) => violation.message.startsWith('accepted order')).length,
    duplicated: Math.max(0, placed - attempted),
    kills,
    outcomes: result.outcomes,
    unexpected: result.unexpected,
    violations,
  };
}

type Victim = { service: string; replica: number } | NatsServer | PostgresServer;

/**
 * SIGKILLs `victim` and says so in `kills`; resolves once it is dead, with `back`: once the mesh's
 * supervisor restarted a replica, or once the broker or store was started again here.
 */
async function strike(mesh: LocalMesh, victim: Victim, random: SeededRandom, kills: string[]): Promise<{ back: Promise<void> }> {
  if (victim instanceof NatsServer || victim instanceof PostgresServer) {
    kills.push(victim instanceof NatsServer ? `nats-server :${String(victim.port)}` : `postgres :${String(victim.port)}`);
    await victim.kill();
    const downMs = random.int(100, 1_000);
    return { back: new Promise((resolve) => setTimeout(resolve, downMs)).then(() => victim.resume()) };
  }
  const process = mesh.process(victim.service, victim.replica);
  kills.push(process.spec.label);
  const pid = process.pid;
  await process.kill();
  return { back: waitFor(() => Promise.resolve(process.ready && process.pid !== pid), `${process.spec.label} to be restarted by the supervisor`, 120_000, 100) };
}

/** `chaos: 300 operations, 287 acknowledged, 0 lost, 0 duplicated, invariants hold` */
export function chaosLine(report: ChaosReport): string {
  const verdict = report.violations.length === 0 ? 'invariants hold' : `${report.violations.length} invariant violation(s)`;
  return `chaos: ${report.operations} operations, ${report.acknowledged} acknowledged, ${report.lost} lost, ${report.duplicated} duplicated, ${verdict}`;
}
