import { readFileSync } from 'node:fs';

/**
 * V8's CPU profiles (`node --cpu-prof`), read as "where did the CPU go": self time by where the
 * code comes from (a package, a part of Node, a part of the shop), over a window of the process's
 * life. Timestamps are CLOCK_MONOTONIC microseconds, the clock `process.hrtime` reads too, so a
 * window measured in the bench process selects the samples of the load it ran.
 */

/** The parts of a `.cpuprofile` this reads (Chrome DevTools' Profile type). */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A time window in CLOCK_MONOTONIC microseconds. */
export interface Window {
  fromUs: number;
  toUs: number;
}

/** The monotonic clock now, in microseconds, as a profile's timestamps count it. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface CpuBreakdown {
  /** CPU ms in the window: every sample but V8's idle ones. */
  busyMs: number;
  /** Self ms by where the code comes from (groupOf), largest first. */
  byGroup: [string, number][];
  /**
   * Ms of samples with a frame of the group anywhere on the stack, once per sample: what a library
   * costs with everything it calls (an exporter's JSON encoding, say), not only its own frames.
   */
  inclusiveByGroup: [string, number][];
  /** Self ms by function (name and file:line), largest first. */
  byFunction: [string, number][];
}

/** Reads `file` and breaks down the CPU of its samples in `window`. */
export function breakdownOf(file: string, window: Window): CpuBreakdown {
  return breakdown(JSON.parse(readFileSync(file, 'utf8')) as Profile, window);
}

export function breakdown(profile: Profile, window: Window): CpuBreakdown {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    at += profile.timeDeltas[index] ?? 0;
    // A sample's time is the gap to the next one: that is how long the stack it saw ran.
    const span = profile.timeDeltas[index + 1] ?? 0;
    if (at < window.fromUs || at > window.toUs) return;
    self.set(nodeId, (self.get(nodeId) ?? 0) + span);
  });

  const groups = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  for (const [nodeId, us] of self) {
    const node = byId.get(nodeId);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    busyUs += us;
    add(groups, groupOf(node.callFrame), us);
    add(functions, functionOf(node.callFrame), us);
    const onStack = new Set<string>();
    for (let frame: number | undefined = nodeId; frame !== undefined; frame = parentOf.get(frame)) {
      const callFrame = byId.get(frame)?.callFrame;
      if (callFrame !== undefined && callFrame.url !== '') onStack.add(groupOf(callFrame));
    }
    for (const group of onStack) add(inclusive, group, us);
  }
  return { busyMs: busyUs / 1000, byGroup: largestFirst(groups), inclusiveByGroup: largestFirst(inclusive), byFunction: largestFirst(functions) };
}

/**
 * Where a frame's code comes from: the npm package (its scope kept), a part of Node (`node:tls`,
 * `node:http2`), the kit's folder (`kit/grpc`), a service, a mesh part, or V8's own pseudo-frames
 * (`(garbage collector)`, `(program)`: native work outside JavaScript such as TLS and syscalls).
 */
export function groupOf(frame: { functionName: string; url: string }): string {
  const { url } = frame;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch?.[1] !== undefined) return packageMatch[1];
  const nodeMatch = /^node:(?:internal\/)?([^/]+)/.exec(url);
  if (nodeMatch?.[1] !== undefined) return `node:${nodeMatch[1].replace(/\.js$/, '')}`;
  const kitMatch = /services\/kit\/src\/([^/]+)/.exec(url);
  if (kitMatch?.[1] !== undefined) return `kit/${kitMatch[1].replace(/\.[jt]s$/, '')}`;
  const serviceMatch = /services\/([^/]+)\/src\/([^/]+)/.exec(url);
  if (serviceMatch?.[1] !== undefined) return `${serviceMatch[1]}/${(serviceMatch[2] ?? '').replace(/\.[jt]s$/, '')}`;
  const protoMatch = /proto\/gen\//.exec(url);
  if (protoMatch !== null) return 'generated protos';
  const meshMatch = /mesh\/([^/]+)/.exec(url);
  if (meshMatch?.[1] !== undefined) return `mesh/${meshMatch[1]}`;
  return url;
}

function functionOf(frame: ProfileNode['callFrame']): string {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist|services|mesh|proto)\//, '$1/');
  return `${frame.functionName === '' ? '(anonymous)' : frame.functionName} ${file}${file === '' ? '' : `:${frame.lineNumber + 1}`}`;
}

function add(totals: Map<string, number>, key: string, us: number): void {
  totals.set(key, (totals.get(key) ?? 0) + us);
}

function largestFirst(totals: Map<string, number>): [string, number][] {
  return [...totals].map(([key, us]): [string, number] => [key, us / 1000]).sort((a, b) => b[1] - a[1]);
}
