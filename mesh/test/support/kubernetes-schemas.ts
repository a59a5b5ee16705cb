import { DestinationRule, Gateway, ServiceEntry, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { nameOf, type KubernetesObject } from './kubernetes-object.js';

/** A model class of kubernetes-models or @kubernetes-models/istio: built from data, validates against its published schema. */
type Validating = new (data: never) => { validate(): void };

/** Every kind the manifests and Istio resources may contain; any other kind is itself a problem. */
const models: Readonly<Record<string, Validating>> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.istio.io/v1beta1/DestinationRule': DestinationRule,
  'networking.istio.io/v1beta1/VirtualService': VirtualService,
  'networking.istio.io/v1beta1/Gateway': Gateway,
  'networking.istio.io/v1beta1/ServiceEntry': ServiceEntry,
  'security.istio.io/v1beta1/PeerAuthentication': PeerAuthentication,
};

/** Schema problems of one object (empty when it validates). */
export function schemaProblems(object: KubernetesObject): string[] {
  const Model = models[`${object.apiVersion}/${object.kind}`];
  if (Model === undefined) return [`${nameOf(object)}: no schema known for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(structuredClone(object) as never).validate();
    return [];
  } catch (error) {
    return [`${nameOf(object)}: ${error instanceof Error ? error.message : String(error)}`];
  }
}
