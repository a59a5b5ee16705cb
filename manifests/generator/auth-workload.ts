import { Deployment } from 'kubernetes-models/apps/v1';
import { Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { clusterAuth } from '../../mesh/policy/access.js';
import { authPort } from '../../mesh/policy/services.js';
import { imageCommand, serviceEntry } from '../../mesh/policy/runtime.js';
import { staffRoles, roleClaim } from '../../services/auth/src/roles.js';
import { disruptOneAtATime, spreadOverNodes } from './availability.js';
import { appLabel, clusterNamespace, imageWorkdir, serviceImage, stableVersion, versionLabel, workloadLabels, type Manifest } from './cluster.js';
import {
  containerSecurity,
  httpProbe,
  podSecurity,
  preStopSleep,
  resources,
  sidecarAnnotations,
  terminationGracePeriodSeconds,
  tmpMount,
  tmpVolume,
} from './pod-defaults.js';
import { serviceConfigMap } from './shared-config.js';

/** The token service's name: its Deployment, Service, service account (its mTLS principal) and call-edge caller. */
export const authName = 'auth';
/** The signing keys and the staff clients' secrets; a placeholder in base, supplied by the operator in prod. */
export const authSecret = 'auth-keys';
/** `http-*`: Istio treats the port as HTTP/1.1. */
export const authPortName = 'http-auth';
const keysDir = '/etc/bookstore/auth';
const nodeUser = 1000;

/**
 * The token service: one replica, since oidc-provider keeps device codes and sign-in interactions
 * in memory, so a customer's sign-in must meet the same pod throughout. Its keys come from a
 * Secret (read-only: rotation is a new Secret with the new key in front, then a rollout).
 */
export function authWorkload(): Manifest[] {
  const labels = workloadLabels(authName);
  return [
    new ServiceAccount({ metadata: { name: authName, namespace: clusterNamespace, labels }, automountServiceAccountToken: false }),
    new Deployment({
      metadata: { name: authName, namespace: clusterNamespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { [appLabel]: authName, [versionLabel]: labels[versionLabel] ?? stableVersion } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels, annotations: sidecarAnnotations() },
          spec: {
            serviceAccountName: authName,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds,
            securityContext: podSecurity(nodeUser),
            topologySpreadConstraints: spreadOverNodes(authName),
            containers: [
              {
                name: authName,
                image: serviceImage(),
                workingDir: imageWorkdir,
                command: imageCommand(serviceEntry(authName)),
                ports: [{ name: authPortName, containerPort: authPort }],
                // CUSTOMER_ADDRESS, LOG_LEVEL and IN_PROCESS_RESILIENCE as every service has them.
                envFrom: [{ configMapRef: { name: serviceConfigMap } }],
                env: [
                  { name: 'AUTH_PORT', value: String(authPort) },
                  { name: 'AUTH_ISSUER', value: clusterAuth.issuer },
                  { name: 'AUTH_KEYS_FILE', value: `${keysDir}/signing-keys.json` },
                  { name: 'AUTH_STAFF_CLIENTS_FILE', value: `${keysDir}/staff-clients.json` },
                  { name: 'AUTH_KEY_ROTATION_MS', value: '0' },
                ],
                startupProbe: httpProbe('/livez', authPortName, { periodSeconds: 2, failureThreshold: 60 }),
                readinessProbe: httpProbe('/readyz', authPortName, { periodSeconds: 5, failureThreshold: 2 }),
                livenessProbe: httpProbe('/livez', authPortName, { periodSeconds: 10, failureThreshold: 3 }),
                lifecycle: preStopSleep(),
                resources: resources('50m', '128Mi', '384Mi'),
                securityContext: containerSecurity(),
                volumeMounts: [{ name: 'keys', mountPath: keysDir, readOnly: true }, tmpMount],
              },
            ],
            volumes: [{ name: 'keys', secret: { secretName: authSecret, defaultMode: 0o400 } }, tmpVolume],
          },
        },
      },
    }),
    new Service({
      metadata: { name: authName, namespace: clusterNamespace, labels },
      spec: { selector: { [appLabel]: authName }, ports: [{ name: authPortName, port: authPort, targetPort: authPortName, appProtocol: 'http' }] },
    }),
    disruptOneAtATime(authName),
  ];
}

/**
 * A development signing key and staff secrets so a dev cluster starts; published in this
 * repository, so anyone can mint tokens for a cluster that keeps it. The prod overlay deletes it
 * and expects the operator's Secret (README.md, "Deploying to a cluster").
 */
export function authSecretTemplate(): Secret {
  const devKey = {
    kty: 'EC',
    crv: 'P-256',
    x: 'KNkcRM_tZBUdQ6PrS05Y8kWQotqYa5hjNrRkkdue_tw',
    y: 'RN1VfblfVFp9mLp_p5WhtEkODF77mN_6pyujmTZ0ghA',
    d: 'IuPHMuKpPCa7WlDYep_SENTa0MNTqJzfzhGHo_RB_wk',
    kid: 'dev-placeholder',
    alg: 'ES256',
    use: 'sig',
    created: 0,
  };
  const staff = staffRoles.map((role) => ({ clientId: roleClaim(role), secret: `change-me-${roleClaim(role)}-secret` }));
  return new Secret({
    metadata: { name: authSecret, namespace: clusterNamespace },
    type: 'Opaque',
    stringData: { 'signing-keys.json': JSON.stringify([devKey]), 'staff-clients.json': JSON.stringify(staff) },
  });
}
