/** The parts of a Kubernetes object the checks read; everything else stays unknown. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
}

export function isKubernetesObject(value: unknown): value is KubernetesObject {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return typeof apiVersion === 'string' && typeof kind === 'string' && typeof metadata === 'object' && metadata !== null && typeof (metadata as Record<string, unknown>)['name'] === 'string';
}

export function asKubernetesObjects(documents: readonly unknown[], source: string): KubernetesObject[] {
  return documents.map((document, index) => {
    if (!isKubernetesObject(document)) throw new Error(`${source} document ${String(index)} is not a Kubernetes object (apiVersion, kind, metadata.name)`);
    return document;
  });
}

export const nameOf = (object: KubernetesObject): string => `${object.kind}/${object.metadata.name}`;
