import type { LocalMesh } from '../local/local-mesh.js';
import { meshServices } from '../policy/services.js';

/** A process the console watches: its readiness, and its Prometheus metrics where it serves them. */
export interface Target {
  service: string;
  replica: string;
  readyUrl: string;
  metricsUrl?: string;
}

/**
 * The edge, every replica of every service of the mesh (their admin servers) and the token
 * service (readiness only: it serves no /metrics), asked anew at each scrape.
 */
export function meshTargets(mesh: LocalMesh): Target[] {
  return [
    { service: 'edge', replica: 'edge', readyUrl: `${mesh.edgeUrl}/readyz`, metricsUrl: `${mesh.edgeAdminUrl}/metrics` },
    ...meshServices.flatMap((service) =>
      Array.from({ length: mesh.replicaCount(service.name) }, (_, index) => ({
        service: service.name,
        replica: mesh.process(service.name, index).spec.label,
        readyUrl: `${mesh.adminUrl(service.name, index)}/readyz`,
        metricsUrl: `${mesh.adminUrl(service.name, index)}/metrics`,
      })),
    ),
    { service: 'auth', replica: 'auth', readyUrl: `${mesh.authUrl}/readyz` },
  ];
}
