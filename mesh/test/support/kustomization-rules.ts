import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../envoy/generated-files.js';
import { readYaml } from './repo-files.js';

interface Kustomization {
  resources?: string[];
  patches?: { path?: string }[];
  configMapGenerator?: { files?: string[]; envs?: string[] }[];
  secretGenerator?: { files?: string[]; envs?: string[] }[];
}

/** The fields these kustomizations use; anything else is most likely a misspelling kustomize would reject. */
const knownFields = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'configMapGenerator', 'secretGenerator', 'images', 'labels', 'components']);

/** Problems with the files a kustomization.yaml names (resources, patches, generator inputs). */
export function kustomizationProblems(dir: string, read: (path: string) => unknown[] = readYaml): string[] {
  const file = `${dir}/kustomization.yaml`;
  const [document] = read(file);
  if (typeof document !== 'object' || document === null) return [`${file}: not a mapping`];
  const problems = Object.keys(document).filter((key) => !knownFields.has(key)).map((key) => `${file}: unknown field ${key}`);
  const kustomization = document as Kustomization;
  const generators = [...(kustomization.configMapGenerator ?? []), ...(kustomization.secretGenerator ?? [])];
  const files = [
    ...(kustomization.patches ?? []).flatMap((patch) => (patch.path === undefined ? [] : [patch.path])),
    // A generator file may be given as key=path.
    ...generators.flatMap((generator) => [...(generator.files ?? []), ...(generator.envs ?? [])]).map((entry) => entry.slice(entry.indexOf('=') + 1)),
  ];
  for (const path of files) {
    if (!isFile(join(dir, path))) problems.push(`${file}: ${path} does not exist`);
  }
  for (const resource of kustomization.resources ?? []) {
    const target = join(dir, resource);
    if (!isFile(target) && !isFile(join(target, 'kustomization.yaml'))) problems.push(`${file}: resource ${resource} is neither a file nor a kustomization directory`);
  }
  return problems;
}

function isFile(path: string): boolean {
  const absolute = join(repoRoot, path);
  return existsSync(absolute) && statSync(absolute).isFile();
}
