import { StatefulSet } from 'kubernetes-models/apps/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import type { MeshService } from '../../mesh/policy/services.js';
import { appLabel, clusterNamespace, type Manifest } from './cluster.js';
import { containerSecurity, podSecurity, resources, tmpMount, tmpVolume } from './pod-defaults.js';
import { databaseSecret, postgresPort, postgresService } from './shared-config.js';

export const postgresInitConfigMap = 'postgres-init';
const postgresImage = 'postgres:16';
/** The postgres user of the official (Debian) image. */
const postgresUser = 999;
const dataDir = '/var/lib/postgresql/data';

/** The services that keep their state in PostgreSQL, one database each (DOMAIN.md). */
export function databaseServices(services: readonly MeshService[]): MeshService[] {
  return services.filter((service) => service.stateful === 'database');
}

/**
 * Creates each context's database. The image runs it once, on an empty volume; it is idempotent
 * so that after adding a service it can be re-run by hand (see mesh/README.md).
 */
export function initDatabasesSql(services: readonly MeshService[]): string {
  return databaseServices(services)
    // Quoted: a context may be named like an SQL keyword (order).
    .map((service) => `SELECT 'CREATE DATABASE "${service.name}"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${service.name}')\\gexec\n`)
    .join('');
}

/** A placeholder so a dev cluster starts; the prod overlay deletes it and expects a real one. */
export function databaseSecretTemplate(): Secret {
  return new Secret({
    metadata: { name: databaseSecret, namespace: clusterNamespace },
    type: 'Opaque',
    // The password goes into DATABASE_URL as is: keep it URL-safe (letters, digits, - . _ ~).
    stringData: { POSTGRES_USER: 'bookstore', POSTGRES_PASSWORD: 'change-me' },
  });
}

export function postgresWorkload(): Manifest[] {
  const name = postgresService;
  const labels = { [appLabel]: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'bookstore-mesh' };
  const fromSecret = (key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: databaseSecret, key } } });
  const ready = { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-p', String(postgresPort)] }, timeoutSeconds: 3 };
  return [
    new Service({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: { clusterIP: 'None', selector: { [appLabel]: name }, ports: [{ name: 'tcp-postgres', port: postgresPort, targetPort: 'tcp-postgres' }] },
    }),
    new StatefulSet({
      metadata: { name, namespace: clusterNamespace, labels },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: { [appLabel]: name } },
        template: {
          metadata: { labels },
          spec: {
            securityContext: podSecurity(postgresUser),
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: 'postgres',
                image: postgresImage,
                env: [fromSecret('POSTGRES_USER'), fromSecret('POSTGRES_PASSWORD'), { name: 'PGDATA', value: `${dataDir}/pgdata` }],
                ports: [{ name: 'tcp-postgres', containerPort: postgresPort }],
                startupProbe: { ...ready, periodSeconds: 2, failureThreshold: 90 },
                readinessProbe: { ...ready, periodSeconds: 5, failureThreshold: 3 },
                livenessProbe: { ...ready, periodSeconds: 10, failureThreshold: 6 },
                resources: resources('250m', '256Mi', '1Gi'),
                securityContext: containerSecurity(),
                volumeMounts: [
                  { name: 'data', mountPath: dataDir },
                  { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                  tmpMount,
                ],
              },
            ],
            volumes: [{ name: 'init', configMap: { name: postgresInitConfigMap } }, { name: 'run', emptyDir: {} }, tmpVolume],
          },
        },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
        ],
      },
    }),
  ];
}
