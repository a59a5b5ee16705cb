import { clusterNamespace, serviceHost } from '../../manifests/generator/cluster.js';
import { istioTracingProvider, otelCollector } from '../observability/stack.js';

/**
 * Istio's sidecars report their spans to the OpenTelemetry Collector of
 * manifests/components/observability: meshConfig names the collector as an extension provider
 * (install.yaml, given to `istioctl install -f`), and a Telemetry resource turns tracing on for the
 * namespace with it. The sidecars continue the trace the service's own spans belong to (W3C trace
 * context in, the same trace out), so a call shows the app's span and its sidecars' in one trace.
 */
export const tracingProvider = {
  name: istioTracingProvider,
  opentelemetry: { service: serviceHost(otelCollector.name), port: otelCollector.otlpGrpcPort },
};

/** What `istioctl install -f mesh/istio/install.yaml` installs: the default profile, with the tracing provider. */
export function istioInstall(): object {
  return {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: { name: 'bookstore', namespace: 'istio-system' },
    spec: { profile: 'default', meshConfig: { extensionProviders: [tracingProvider] } },
  };
}

/** Tracing on for every workload of the namespace: sample what the caller sampled; a trace Istio starts, 100 % like the edge. */
export function namespaceTelemetry(): object {
  return {
    apiVersion: 'telemetry.istio.io/v1',
    kind: 'Telemetry',
    metadata: { name: 'tracing', namespace: clusterNamespace },
    spec: { tracing: [{ providers: [{ name: istioTracingProvider }], randomSamplingPercentage: 100 }] },
  };
}
