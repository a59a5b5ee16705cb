import { existsSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { repoRoot } from '../../envoy/generated-files.js';

/**
 * Envoy's API protos of the release the image pins (envoyproxy/envoy:v1.37.0), vendored in
 * mesh/test/schemas (see its README for the source commit); the trees they import (cncf/xds,
 * protoc-gen-validate, googleapis) as @grpc/grpc-js-xds ships them.
 */
export const envoyApiVersion = 'v1.37.0';
const envoyProtos = join(repoRoot, `mesh/test/schemas/envoy-api-${envoyApiVersion}`);
const xdsDeps = join(repoRoot, 'node_modules/@grpc/grpc-js-xds/deps');
const includeRoots = [
  envoyProtos,
  join(xdsDeps, 'xds'), // cncf/xds: xds/* and udpa/*
  join(xdsDeps, 'protoc-gen-validate'),
  join(xdsDeps, 'googleapis'),
  // google/protobuf/descriptor.proto, imported by the annotation protos; protobufjs bundles the rest.
  join(repoRoot, 'node_modules/protobufjs'),
];

/** The bootstrap and every extension the edge config names in a typed_config. */
const entryProtos = [
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/grpc_json_transcoder/v3/transcoder.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/health_check/v3/health_check.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/resource_monitors/fixed_heap/v3/fixed_heap.proto',
  'envoy/extensions/resource_monitors/downstream_connections/v3/downstream_connections.proto',
  'envoy/config/trace/v3/opentelemetry.proto',
];

let loaded: protobuf.Root | undefined;

export function envoyApi(): protobuf.Root {
  if (loaded !== undefined) return loaded;
  if (!existsSync(xdsDeps)) throw new Error(`${xdsDeps} is missing: run npm ci`);
  const root = new protobuf.Root();
  // The vendored tree first: an Envoy proto must never come from the newer tree of @grpc/grpc-js-xds.
  root.resolvePath = (_origin, target) => {
    const roots = target.startsWith('envoy/') ? [envoyProtos] : includeRoots;
    return roots.map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  };
  root.loadSync(entryProtos, { keepCase: true });
  root.resolveAll();
  loaded = root;
  return root;
}

export function bootstrapType(): protobuf.Type {
  return envoyApi().lookupType('envoy.config.bootstrap.v3.Bootstrap');
}
