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
/** The token service (OAuth 2.0 / OIDC over HTTP, not gRPC), on one machine and in a cluster. */
export const authPort = 8090;
/** Callers in the call edges that serve no gRPC themselves: the REST edge and the token service. */
export const httpCallers: readonly string[] = ['edge', 'auth'];

export const meshServices: readonly MeshService[] = [
  { name: 'catalog', grpcServices: ['bookstore.catalog.v1.CatalogService'], localGrpcPort: 50051, localAdminPort: 9101, stateful: 'database' },
  { name: 'order', grpcServices: ['bookstore.order.v1.OrderService'], localGrpcPort: 50052, localAdminPort: 9102, stateful: 'database' },
  { name: 'delivery', grpcServices: ['bookstore.delivery.v1.DeliveryService'], localGrpcPort: 50053, localAdminPort: 9103, stateful: 'database' },
  { name: 'coupon', grpcServices: ['bookstore.coupon.v1.CouponService'], localGrpcPort: 50054, localAdminPort: 9104, stateful: 'database' },
  { name: 'customer', grpcServices: ['bookstore.customer.v1.CustomerService'], localGrpcPort: 50055, localAdminPort: 9105, stateful: 'database' },
  { name: 'mypage', grpcServices: ['bookstore.mypage.v1.MyPageService'], localGrpcPort: 50056, localAdminPort: 9106, stateful: 'replica-local' },
];

export function meshService(name: string): MeshService {
  const found = meshServices.find((service) => service.name === name);
  if (found === undefined) throw new Error(`no service "${name}" in mesh/policy/services.ts`);
  return found;
}
