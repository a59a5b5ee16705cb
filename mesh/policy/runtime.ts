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
 * V8 flags of every process of the shop. A young generation of 2 MB semi-spaces instead of V8's
 * default of up to 16 MB: a service holds little between calls, and the larger young generation
 * stayed committed, about 50 MB of each process's RSS (a catalog idle: 163 MB, 113 MB with
 * `--max-semi-space-size=1`); `make bench` measures what it costs in CPU per order.
 */
export const nodeFlags: readonly string[] = ['--max-semi-space-size=2'];

/** The command that runs an entry in the service image (the working directory is the repository's copy). */
export function imageCommand(source: string): string[] {
  return ['node', ...nodeFlags, compiledEntry(source)];
}

/** A service's entry, relative to the repository root. */
export function serviceEntry(name: string): string {
  return `services/${name}/src/main.ts`;
}
