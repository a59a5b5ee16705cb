import type { IContainer, IPodSecurityContext, IProbe, IResourceRequirements, ISecurityContext, IVolume, IVolumeMount } from 'kubernetes-models/v1';

/**
 * Shutdown timing, outermost first. On termination the pod first sleeps in preStop so endpoints
 * and proxies stop sending new calls, then the process gets SIGTERM and drains for at most
 * SHUTDOWN_GRACE_MS; the kubelet's grace period must cover both or the drain is cut by SIGKILL.
 */
export const preStopSeconds = 5;
export const shutdownGraceMs = 20_000;
export const terminationGracePeriodSeconds = 30;

export function preStopSleep(): NonNullable<IContainer['lifecycle']> {
  return { preStop: { exec: { command: ['sleep', String(preStopSeconds)] } } };
}

/** Istio's sidecar: up before the app makes its first call, and draining as long as the app does. */
export function sidecarAnnotations(): Record<string, string> {
  const drainSeconds = preStopSeconds + shutdownGraceMs / 1000;
  return { 'proxy.istio.io/config': JSON.stringify({ holdApplicationUntilProxyStarts: true, terminationDrainDuration: `${String(drainSeconds)}s` }) };
}

/** Istio merges these into the sidecar's own metrics endpoint, so scraping works under STRICT mTLS. */
export function prometheusAnnotations(port: number, path: string): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': path };
}

export function podSecurity(user: number): IPodSecurityContext {
  return { runAsNonRoot: true, runAsUser: user, runAsGroup: user, fsGroup: user, seccompProfile: { type: 'RuntimeDefault' } };
}

export function containerSecurity(): ISecurityContext {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
}

/** A writable /tmp on a read-only root filesystem (tsx keeps its compile cache there). */
export const tmpVolume: IVolume = { name: 'tmp', emptyDir: {} };
export const tmpMount: IVolumeMount = { name: 'tmp', mountPath: '/tmp' };

export function resources(cpu: string, memory: string, memoryLimit: string): IResourceRequirements {
  // No CPU limit: throttling a Node event loop adds latency; the HPA scales on CPU requests instead.
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}

export function httpProbe(path: string, port: string, timing: Pick<IProbe, 'periodSeconds' | 'failureThreshold'>): IProbe {
  return { httpGet: { path, port }, timeoutSeconds: 2, ...timing };
}
