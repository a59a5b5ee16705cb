import { nameOf, type KubernetesObject } from './kubernetes-object.js';
import { strictSchemaProblems } from './strict-schemas.js';

/** Schema problems of one object (empty when it validates), strictly: unknown fields are problems. */
export function schemaProblems(object: KubernetesObject): string[] {
  return strictSchemaProblems(object, nameOf(object));
}
