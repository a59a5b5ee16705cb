import type { LocalMesh } from '../local/local-mesh.js';
import { meshServices } from '../policy/services.js';

/** A replica the console watches: its admin server answers /metrics and /readyz. */
export interface Target {
  service: string;
  replica: string;
  adminUrl: string;
}

/** Every replica of every service of the mesh, asked anew at each scrape. */
export function meshTargets(mesh: LocalMesh): Target[] {
  return meshServices.flatMap((service) =>
    Array.from({ length: mesh.replicaCount(service.name) }, (_, index) => ({
      service: service.name,
      replica: mesh.process(service.name, index).spec.label,
      adminUrl: mesh.adminUrl(service.name, index),
    })),
  );
}
