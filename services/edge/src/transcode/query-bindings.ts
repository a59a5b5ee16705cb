import { FieldPathError, resolveFieldPath } from '#kit/access/field-path.js';
import type { BoundValue, Route } from '../routing/route-table.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';
import type { QueryParameter } from './query-parameters.js';
import { invalidArgument, invalidField } from './transcode-error.js';
import { urlBindingProblem } from './url-value.js';

/**
 * The request field each query parameter binds. A parameter naming no field is a 400 (Envoy's
 * reject_unknown_query_parameters) unless ignore_unknown_query_parameters is on; the names in
 * ignored_query_parameters are skipped.
 */
export function queryBindings(
  route: Route,
  parameters: readonly QueryParameter[],
  options: Pick<GrpcJsonTranscoderOptions, 'ignore_unknown_query_parameters' | 'ignored_query_parameters'>,
): BoundValue[] {
  return parameters.flatMap((parameter) => {
    if (options.ignored_query_parameters.includes(parameter.name)) return [];
    let fields;
    try {
      fields = resolveFieldPath(route.method.input, parameter.name.split('.').filter((name) => name !== ''));
    } catch (error) {
      if (!(error instanceof FieldPathError)) throw error;
      if (options.ignore_unknown_query_parameters) return [];
      throw invalidArgument(error.message);
    }
    const leaf = fields.at(-1);
    const problem = leaf === undefined ? 'names no field' : urlBindingProblem(leaf);
    if (problem !== undefined) throw invalidField(parameter.name, problem);
    return [{ fields, value: parameter.value }];
  });
}
