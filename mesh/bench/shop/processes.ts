import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory and CPU of processes as Linux reports them in /proc: resident set size, and CPU time
 * (user + system) which, unlike a rate, does not depend on how busy the machine's other tenants are.
 */

/** /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s on Linux (sysconf(_SC_CLK_TCK)). */
const msPerTick = 10;
const pageBytes = 4096;

export interface ProcessSample {
  pid: number;
  /** Resident set size in bytes. */
  rssBytes: number;
  /** User + system CPU time since the process started, in ms. */
  cpuMs: number;
}

/** The fields of /proc/<pid>/stat after the command name, which may itself contain spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** One process now; undefined when it is gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  const fields = statFields(pid);
  if (fields === undefined) return undefined;
  // After the name: state(0) ppid(1) … utime(11) stime(12) … rss(21), in pages.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { pid, rssBytes: Number(fields[21]) * pageBytes, cpuMs: ticks * msPerTick };
}

/** `pid` and every process below it (tsx's esbuild service, say), found through their parents. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!Number.isFinite(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const visit = (next: number): void => {
    tree.push(next);
    for (const child of children.get(next) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

/** A labelled group of processes: one service with its helpers. */
export interface TreeSample {
  label: string;
  rssBytes: number;
  cpuMs: number;
  processes: number;
}

/** Each labelled root with everything below it, summed. */
export function sampleTrees(roots: readonly { label: string; pid: number | undefined }[]): TreeSample[] {
  return roots.map(({ label, pid }) => {
    const samples = pid === undefined ? [] : processTree(pid).flatMap((member) => sampleProcess(member) ?? []);
    return {
      label,
      rssBytes: samples.reduce((sum, one) => sum + one.rssBytes, 0),
      cpuMs: samples.reduce((sum, one) => sum + one.cpuMs, 0),
      processes: samples.length,
    };
  });
}

/** CPU ms each labelled group spent between two samples. */
export function cpuBetween(before: readonly TreeSample[], after: readonly TreeSample[]): Map<string, number> {
  return new Map(after.map((end) => [end.label, end.cpuMs - (before.find((start) => start.label === end.label)?.cpuMs ?? 0)]));
}

export const totalRssMb = (samples: readonly TreeSample[]): number => samples.reduce((sum, one) => sum + one.rssBytes, 0) / 1024 / 1024;
