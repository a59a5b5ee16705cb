import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../envoy/generated-files.js';

export function readRepoFile(path: string): string {
  const file = join(repoRoot, path);
  if (!existsSync(file)) throw new Error(`${path} is missing: run \`make generate-mesh\``);
  return readFileSync(file, 'utf8');
}

/** Every YAML document of a text, failing on syntax errors (a lenient parse would hide them). */
export function yamlDocumentsOf(text: string, source: string): unknown[] {
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${source} document ${String(index)}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS() as unknown;
  });
}

export function readYaml(path: string): unknown[] {
  return yamlDocumentsOf(readRepoFile(path), path);
}
