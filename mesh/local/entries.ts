import { join, resolve } from 'node:path';
import { compileCacheDir, compiledEntry, nodeFlags } from '../policy/runtime.js';

/** How the local mesh runs a process: its compiled JavaScript (`make build`), or its TypeScript through tsx. */
export type Runtime = 'compiled' | 'tsx';

const compiledHere = import.meta.url.endsWith('.js');

/** The repository's root, whether this file runs from the sources or from their compiled copy. */
export const repoRoot = resolve(import.meta.dirname, compiledHere ? '../../..' : '../..');

/** A runner compiled itself (make dev) starts compiled processes; one run through tsx (the tests) starts TypeScript. */
export const ownRuntime: Runtime = compiledHere ? 'compiled' : 'tsx';

/** Node's arguments that run `source` (a .ts file relative to the repository root) the given way. */
export function nodeArguments(source: string, runtime: Runtime): string[] {
  return runtime === 'compiled' ? [...nodeFlags, join(repoRoot, compiledEntry(source))] : [...nodeFlags, '--import', 'tsx', join(repoRoot, source)];
}

/** The environment every Node process of the local mesh starts with, before its own. */
export const nodeEnvironment: Readonly<Record<string, string>> = { NODE_COMPILE_CACHE: join(repoRoot, compileCacheDir) };
