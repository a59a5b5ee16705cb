/**
 * How the services run: as the JavaScript `make build` compiles (tsconfig.build.json) into
 * `dist/`, mirroring the source tree, with no TypeScript loader in the process. Tests may still
 * run the TypeScript through tsx.
 */
export const compiledDir = 'dist';

/** The compiled file of a TypeScript source, both relative to the repository root. */
export function compiledEntry(source: string): string {
  return `${compiledDir}/${source.replace(/\.ts$/, '.js')}`;
}

/**
 * V8 flags of every process of the shop. Young-generation semi-spaces of 4 MB instead of V8's
 * default of up to 16 MB: a service holds little between calls, and the larger young generation
 * stayed committed. Measured on the catalog under 16 concurrent CreateBook calls (make bench's
 * machine): RSS idle 160 -> 133 MB, after the load 315 -> 170-205 MB, CPU per call unchanged
 * (1.00-1.03 ms either way); 2 MB saved no more memory and cost 5-10 % more CPU.
 */
export const nodeFlags: readonly string[] = ['--max-semi-space-size=4'];

/**
 * Where the local mesh keeps Node's compile cache (NODE_COMPILE_CACHE, relative to the repository
 * root): a process starting again reuses the code V8 compiled for its modules the last time instead
 * of compiling them again. make profile showed a service's start was mostly loading its modules;
 * with the cache, loading order's took 0.35 s of CPU instead of 0.46 s. Node keys the cache by each
 * file's content and its own version, so every process and every run can share it.
 */
export const compileCacheDir = '.data/compile-cache';

/** The command that runs an entry in the service image (the working directory is the repository's copy). */
export function imageCommand(source: string): string[] {
  return ['node', ...nodeFlags, compiledEntry(source)];
}

/** A service's entry, relative to the repository root. */
export function serviceEntry(name: string): string {
  return `services/${name}/src/main.ts`;
}
