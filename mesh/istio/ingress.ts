import { Gateway, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { clusterNamespace, serviceHost } from '../../manifests/generator/cluster.js';
import { edgeCaller } from '../envoy/edge-plan.js';
import { transportRetryOn } from '../envoy/policy-units.js';
import { edgePort } from '../policy/services.js';

export const ingressGatewayName = 'bookstore';
/** The TLS certificate for port 443, a Secret the operator creates in the ingress gateway's namespace. */
export const ingressTlsSecret = 'bookstore-tls';

/** The shop's entry on Istio's default ingress gateway: plain HTTP and HTTPS, any host name. */
export function ingressGateway(): Gateway {
  return new Gateway({
    metadata: { name: ingressGatewayName, namespace: clusterNamespace },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: ingressTlsSecret } },
      ],
    },
  });
}

/**
 * Everything that enters goes to the transcoding edge (REST and gRPC alike), which applies the
 * edge -> service policies itself. Only failures that never reached an edge pod are retried here,
 * so retries do not stack on the edge's.
 */
export function ingressRoutes(): VirtualService {
  return new VirtualService({
    metadata: { name: `${ingressGatewayName}-ingress`, namespace: clusterNamespace },
    spec: {
      hosts: ['*'],
      gateways: [`${clusterNamespace}/${ingressGatewayName}`],
      http: [
        {
          name: `to-${edgeCaller}`,
          route: [{ destination: { host: serviceHost(edgeCaller), port: { number: edgePort } } }],
          retries: { attempts: 1, retryOn: transportRetryOn.join(',') },
        },
      ],
    },
  });
}
