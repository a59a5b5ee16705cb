import { baseDir } from '../../../manifests/generator/render.js';
import { asKubernetesObjects, type KubernetesObject } from './kubernetes-object.js';
import { readYaml } from './repo-files.js';

/** The objects of the committed base, file by file as its kustomization lists them. */
export function committedBaseObjects(): KubernetesObject[] {
  const [kustomization] = readYaml(`${baseDir}/kustomization.yaml`) as [{ resources: string[] }];
  return kustomization.resources.flatMap((resource) => asKubernetesObjects(readYaml(`${baseDir}/${resource}`), resource));
}

/** Reads an env file of a configMapGenerator (KEY=value lines, # comments). */
export function envFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
