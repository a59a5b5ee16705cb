import { Server, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { checkOwnData } from '../access/own-data.js';
import type { Logger } from '../log/log.js';
import { contractsRegistry } from './contracts-registry.js';
import { addHealthService, type HealthReporter } from './health.js';
import { admitDeclaredCallers, serverCredentials } from './mutual-tls.js';
import { observeUnaryCalls } from './observe.js';
import { addReflectionService } from './reflection.js';
import { withRequestDecodingChecks } from './request-decoding.js';

export interface ServedService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  /** The process's name in logs (catalog, order, …). */
  service: string;
  /** Defaults to every interface, as a pod needs. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  services: readonly ServedService[];
  log: Logger;
  descriptorSetPath?: string;
}

export interface GrpcServer {
  /** The port actually bound. */
  port: number;
  health: HealthReporter;
  /**
   * Reports NOT_SERVING, refuses new calls, lets in-flight calls finish for up to `graceMs`, then
   * cancels what is left. Calling it again returns the same promise.
   */
  shutdown(graceMs: number): Promise<void>;
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const { service, host = '0.0.0.0', services, descriptorSetPath } = options;
  const log = options.log.child({ component: 'grpc-server' });
  const server = new Server();
  const registry = await contractsRegistry(descriptorSetPath);
  for (const { definition, implementation } of services) {
    server.addService(withRequestDecodingChecks(definition, registry), observeUnaryCalls(definition, admitDeclaredCallers(service, checkOwnData(definition, implementation, registry)), log));
  }
  const served = services.map(({ definition }) => serviceName(definition));
  const health = addHealthService(server, served);
  addReflectionService(server, served, descriptorSetPath);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, serverCredentials(), (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });
  health.set('SERVING');
  log.info({ host, port, grpcServices: served }, `${service} gRPC server listening`);

  let stopped: Promise<void> | undefined;
  const shutdown = (graceMs: number): Promise<void> => {
    stopped ??= drain(server, health, graceMs, log);
    return stopped;
  };
  return { port, health, shutdown };
}

function drain(server: Server, health: HealthReporter, graceMs: number, log: Logger): Promise<void> {
  health.set('NOT_SERVING');
  log.info({ graceMs }, 'gRPC server draining');
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      log.warn({ graceMs }, 'gRPC calls still running after the grace period; cancelling them');
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      log.info('gRPC server stopped');
      resolve();
    });
  });
}

/** bookstore.catalog.v1.CatalogService from a method path such as /bookstore.catalog.v1.CatalogService/GetBook. */
function serviceName(definition: ServiceDefinition): string {
  const [method] = Object.values(definition);
  if (method === undefined) throw new Error('a gRPC service definition without methods');
  return method.path.split('/')[1] ?? '';
}
