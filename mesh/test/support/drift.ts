import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles, repoRoot, type GeneratedFile } from '../../envoy/generated-files.js';

const committed = (path: string): string | undefined => {
  const file = join(repoRoot, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
};

/**
 * Where the committed tree differs from what the generators produce now: files that differ or are
 * missing, and files left in a generator's own directories that it no longer writes.
 */
export function driftProblems(
  files: readonly GeneratedFile[],
  ownedDirs: readonly string[],
  read: (path: string) => string | undefined = committed,
  list: (dir: string) => string[] = (dir) => listFiles(repoRoot, dir),
): string[] {
  const wanted = new Set(files.map((file) => file.path));
  return [
    ...files.flatMap((file) => {
      const current = read(file.path);
      if (current === undefined) return [`${file.path}: not committed`];
      return current === file.content ? [] : [`${file.path}: differs from its generator's output`];
    }),
    ...ownedDirs.flatMap((dir) => list(dir).filter((path) => !wanted.has(path)).map((path) => `${path}: no generator writes it any more`)),
  ];
}
