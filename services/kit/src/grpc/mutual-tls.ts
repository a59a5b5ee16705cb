import { readFileSync } from 'node:fs';
import { credentials, ServerCredentials, status, type ChannelCredentials, type handleUnaryCall, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { callEdges } from '../../../../mesh/policy/resilience.js';
import { readConfig, type Env } from '../config/config.js';
import { GrpcError } from './grpc-error.js';

/** PEM files of one process's identity: the mesh's CA, its certificate (CN = its name) and key. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/**
 * MTLS_CA_FILE, MTLS_CERT_FILE, MTLS_KEY_FILE: set by the local mesh (mesh/local/certificates.ts);
 * unset in a cluster, where the Istio sidecars do mutual TLS and AuthorizationPolicy checks callers.
 */
export function tlsFilesFromEnv(env: Env = process.env): TlsFiles | undefined {
  return readConfig((read) => {
    const ca = read.optionalString('MTLS_CA_FILE');
    if (ca === undefined) return undefined;
    return { ca, cert: read.string('MTLS_CERT_FILE'), key: read.string('MTLS_KEY_FILE') };
  }, env);
}

/** A server that requires a client certificate from the mesh's CA; plaintext without files. */
export function serverCredentials(files: TlsFiles | undefined = tlsFilesFromEnv()): ServerCredentials {
  if (files === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(readFileSync(files.ca), [{ cert_chain: readFileSync(files.cert), private_key: readFileSync(files.key) }], true);
}

/** A client presenting this process's certificate and trusting only the mesh's CA; plaintext without files. */
export function clientCredentials(files: TlsFiles | undefined = tlsFilesFromEnv()): ChannelCredentials {
  if (files === undefined) return credentials.createInsecure();
  return credentials.createSsl(readFileSync(files.ca), readFileSync(files.key), readFileSync(files.cert));
}

/** The callers mesh/policy's call edges name for this callee. */
export function allowedCallers(callee: string): ReadonlySet<string> {
  return new Set(callEdges.filter((edge) => edge.callee === callee).map((edge) => edge.caller));
}

/**
 * With mutual TLS on, every unary method refuses (PERMISSION_DENIED) a caller whose certificate's
 * common name is not a caller of this service in the call edges. Without TLS (a cluster) the
 * implementation is returned as it is.
 */
export function admitDeclaredCallers(callee: string, implementation: UntypedServiceImplementation, enabled = tlsFilesFromEnv() !== undefined): UntypedServiceImplementation {
  if (!enabled) return implementation;
  const callers = allowedCallers(callee);
  return Object.fromEntries(
    Object.entries(implementation).map(([name, handler]) => {
      const unary = handler as handleUnaryCall<unknown, unknown>;
      const admitted: handleUnaryCall<unknown, unknown> = (call, callback) => {
        const caller = callerOf(call);
        if (caller === undefined || !callers.has(caller)) {
          callback(new GrpcError(status.PERMISSION_DENIED, `${caller ?? 'a caller without a certificate'} may not call ${callee} (mesh/policy/resilience.ts declares no such call edge)`));
          return;
        }
        unary(call, callback);
      };
      return [name, admitted];
    }),
  );
}

function callerOf(call: ServerUnaryCall<unknown, unknown>): string | undefined {
  const commonName = call.getAuthContext().sslPeerCertificate?.subject.CN;
  return typeof commonName === 'string' ? commonName : undefined;
}
