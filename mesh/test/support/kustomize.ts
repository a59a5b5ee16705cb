import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../envoy/generated-files.js';
import { asKubernetesObjects, type KubernetesObject } from './kubernetes-object.js';
import { yamlDocumentsOf } from './repo-files.js';

/** kubectl embeds kustomize; without it the build checks cannot run (the static ones still do). */
export function kustomizeAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** `kubectl kustomize <dir>`: what `kubectl apply -k` would send to the cluster. */
export function kustomizeBuild(dir: string): KubernetesObject[] {
  const output = execFileSync('kubectl', ['kustomize', join(repoRoot, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return asKubernetesObjects(yamlDocumentsOf(output, `kubectl kustomize ${dir}`), dir);
}
