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

/** The command that runs an entry in the service image (the working directory is the repository's copy). */
export function imageCommand(source: string): string[] {
  return ['node', compiledEntry(source)];
}

/** A service's entry, relative to the repository root. */
export function serviceEntry(name: string): string {
  return `services/${name}/src/main.ts`;
}
