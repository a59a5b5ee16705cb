import { peerAddressVariable } from '#kit/config/peer-address.js';
import { clusterGrpcPort, externalSystem, type MeshService } from '../../mesh/policy/services.js';
import { shutdownGraceMs } from './pod-defaults.js';

/** ConfigMap every service reads with envFrom (the kit's variables, services/kit/src/config). */
export const serviceConfigMap = 'bookstore-config';
/** PostgreSQL's user and password; a template in base, supplied by the operator in prod. */
export const databaseSecret = 'postgres-credentials';

export const natsService = 'nats';
export const natsClientPort = 4222;
export const natsClusterPort = 6222;
export const natsMonitorPort = 8222;
export const postgresService = 'postgres';
export const postgresPort = 5432;

/** The env file behind the ConfigMap: KEY=value lines. */
export function serviceEnvironment(services: readonly MeshService[]): Record<string, string> {
  return {
    NATS_URL: `nats://${natsService}:${String(natsClientPort)}`,
    LOG_LEVEL: 'info',
    // Istio retries and breaks circuits in a cluster; in-process policy would stack on it.
    IN_PROCESS_RESILIENCE: 'false',
    SHUTDOWN_GRACE_MS: String(shutdownGraceMs),
    ...Object.fromEntries(services.map((service) => [peerAddressVariable(service.name), `${service.name}:${String(clusterGrpcPort)}`])),
    // Plain HTTP to the ServiceEntry's port 80; the sidecar originates TLS (mesh/istio/external-system.ts).
    PROCESSOR_URL: `http://${externalSystem('card-processor').host}`,
    SHOP_CURRENCY: 'KRW',
  };
}
