import type { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

/** grpc.health.v1 status of the process ('') and of each gRPC service it serves. */
export interface HealthReporter {
  /** Sets one service's status, or without a name the status of every service and of the whole server. */
  set(status: ServingStatus, service?: string): void;
}

export function addHealthService(server: Server, serviceNames: readonly string[]): HealthReporter {
  const everything = ['', ...serviceNames];
  const health = new HealthImplementation(Object.fromEntries(everything.map((name) => [name, 'NOT_SERVING'])));
  health.addToServer(server);
  return {
    set(status, service) {
      for (const name of service === undefined ? everything : [service]) health.setStatus(name, status);
    },
  };
}
