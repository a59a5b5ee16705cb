import { fileURLToPath } from 'node:url';
import type { Registry } from '@bufbuild/protobuf';
import { stringify } from 'yaml';
import { edgePort, meshServices } from '../../../../mesh/policy/services.js';
import { RouteTable } from '../routing/route-table.js';
import { edgeDeadlines, grpcJsonTranscoderOptions } from '../transcoding-options.js';
import { errorModelOf } from './error-model.js';
import { openApiDocument } from './openapi-document.js';

/** The committed API reference, linked from the README. */
export const apiReferencePath = fileURLToPath(new URL('../../api/openapi.yaml', import.meta.url));

const header = '# The bookstore REST API, generated from the protos; do not edit.\n# Regenerate: node --import tsx services/edge/src/openapi/generate.ts\n';

/** The reference of every service the mesh serves through the edge, as OpenAPI 3.1 YAML. */
export function apiReferenceYaml(registry: Registry): string {
  const routes = RouteTable.build(registry, meshServices.flatMap((service) => service.grpcServices));
  const document = openApiDocument(routes, {
    options: grpcJsonTranscoderOptions,
    serverUrl: `http://localhost:${edgePort}`,
    grpcTimeoutHeaderMaxMs: edgeDeadlines.grpcTimeoutHeaderMaxMs,
    errorModel: errorModelOf(registry),
  });
  return header + stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}
