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
/** The local edge's admin port on one machine (/livez, /readyz, /metrics), apart from the services' 9101–9107 and the control port 9100. */
export const edgeAdminPort = 9180;
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
  { name: 'payment', grpcServices: ['bookstore.payment.v1.PaymentService'], localGrpcPort: 50057, localAdminPort: 9107, stateful: 'database' },
];

/**
 * Systems outside the mesh that a service calls over HTTP(S). In a cluster each one is an external
 * host (Istio ServiceEntry plus a DestinationRule with the caller's circuit breaking); on one
 * machine the local mesh runs a stand-in process on `localPort`.
 */
export interface ExternalSystem {
  name: string;
  /** Its DNS name and port in a cluster. */
  host: string;
  port: number;
  /** The stand-in on one machine. */
  localPort: number;
  localEntry: string;
}

export const externalSystems: readonly ExternalSystem[] = [
  { name: 'card-processor', host: 'api.card-processor.example', port: 443, localPort: 8091, localEntry: 'mesh/card-processor/main.ts' },
];

export function externalSystem(name: string): ExternalSystem {
  const found = externalSystems.find((system) => system.name === name);
  if (found === undefined) throw new Error(`no external system "${name}" in mesh/policy/services.ts`);
  return found;
}

export function meshService(name: string): MeshService {
  const found = meshServices.find((service) => service.name === name);
  if (found === undefined) throw new Error(`no service "${name}" in mesh/policy/services.ts`);
  return found;
}
