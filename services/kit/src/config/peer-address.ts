import { meshService } from '../../../../mesh/policy/services.js';
import type { ConfigReader } from './config.js';

/**
 * The variable holding a peer's gRPC address, e.g. CATALOG_ADDR. The local mesh, the edge, the
 * services and the generated manifests all name it through this one function.
 */
export function peerAddressVariable(service: string): string {
  return `${service.toUpperCase()}_ADDR`;
}

/** host:port of `service` from <NAME>_ADDR; its local mesh port on this machine by default. */
export function readPeerAddress(read: ConfigReader, service: string): string {
  return read.address(peerAddressVariable(service), `127.0.0.1:${String(meshService(service).localGrpcPort)}`);
}
