/**
 * The services of the mesh, declared once. The local mesh runner, the Envoy edge config, the
 * Istio resources and the Kubernetes manifests all follow from this list (tests check they do).
 */
export interface MeshService {
  /** Bounded context and DNS name in a cluster. */
  name: string;
  /** Fully qualified gRPC service names it serves. */
  grpcServices: string[];
  /** Ports on one machine (the local mesh); in a cluster every pod uses clusterGrpcPort/clusterAdminPort. */
  localGrpcPort: number;
  localAdminPort: number;
  /** Event consumers may run as several replicas; the read side is rebuilt per replica. */
  stateful: 'database' | 'replica-local';
}

export const clusterGrpcPort = 50051;
export const clusterAdminPort = 9090;
export const edgePort = 8080;

export const meshServices: readonly MeshService[] = [
  { name: 'catalog', grpcServices: ['bookstore.catalog.v1.CatalogService'], localGrpcPort: 50051, localAdminPort: 9101, stateful: 'database' },
];

export function meshService(name: string): MeshService {
  const found = meshServices.find((service) => service.name === name);
  if (found === undefined) throw new Error(`no service "${name}" in mesh/policy/services.ts`);
  return found;
}
