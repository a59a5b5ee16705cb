import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { accessRules } from '../../services/kit/src/access/access-rules.js';
import { RouteTable } from '../../services/edge/src/routing/route-table.js';

/** One public method's access, as the protos declare it: what the Envoy and Istio edges enforce. */
export interface MethodAccess {
  /** /package.Service/Method */
  grpcPath: string;
  open: boolean;
  /** Role claims that may call it (empty when open). */
  roles: string[];
  /** Its REST bindings: method and path template. */
  rest: { httpMethod: string; pathTemplate: string }[];
}

/**
 * The access of every method the edge routes, from option (bookstore.access.v1.access) in the
 * descriptor set: the same declarations and the same checks of them as the local edge's.
 */
export function methodAccess(descriptorSet: Uint8Array, grpcServices: readonly string[]): MethodAccess[] {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  const routes = RouteTable.build(registry, grpcServices).routes;
  const rules = accessRules(registry, routes.map((route) => route.method));
  const methods = [...new Set(routes.map((route) => route.method))];
  return methods.map((method) => {
    const rule = rules.get(method);
    if (rule === undefined) throw new Error(`no access rule for ${method.parent.typeName}.${method.name}`);
    return {
      grpcPath: `/${method.parent.typeName}/${method.name}`,
      open: rule.open,
      roles: [...rule.roles].sort(),
      rest: routes.filter((route) => route.method === method).map((route) => ({ httpMethod: route.httpMethod, pathTemplate: route.template.source })),
    };
  });
}
