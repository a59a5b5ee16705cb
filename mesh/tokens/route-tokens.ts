import { fileURLToPath } from 'node:url';
import type { DescMethod } from '@bufbuild/protobuf';
import { accessRules, fieldValueOf, type AccessRule } from '../../services/kit/src/access/access-rules.js';
import { loadDescriptorSet } from '../../services/edge/src/descriptors/load-descriptor-set.js';
import { RouteTable } from '../../services/edge/src/routing/route-table.js';
import { queryBindings } from '../../services/edge/src/transcode/query-bindings.js';
import { parseQueryParameters } from '../../services/edge/src/transcode/query-parameters.js';
import { requestMessage } from '../../services/edge/src/transcode/request-message.js';
import { grpcJsonTranscoderOptions } from '../../services/edge/src/transcoding-options.js';
import { meshServices } from '../policy/services.js';
import { staffRoleNames, type ShopTokens, type StaffRole } from './shop-tokens.js';

const descriptorSet = fileURLToPath(new URL('../../proto/gen/bookstore.binpb', import.meta.url));
/** The auditor reads; a role that may also change things is preferred when it may call the method. */
const staffPreference: readonly StaffRole[] = [...staffRoleNames.filter((role) => role !== 'auditor'), 'auditor'];

/**
 * The token a request needs, chosen from the same access declarations the edge enforces: a staff
 * role that may call the method, else the customer the request names (or, for a change to one
 * resource, the customer it belongs to, read first as the auditor). So a test or a workload writes
 * its requests as before and each carries the token of someone allowed to make it.
 */
export class RouteTokens {
  private readonly routes: RouteTable;
  private readonly rules: ReadonlyMap<DescMethod, AccessRule>;
  private readonly registry: ReturnType<typeof loadDescriptorSet>;

  constructor(
    private readonly tokens: ShopTokens,
    private readonly edgeUrl: string,
  ) {
    this.registry = loadDescriptorSet(descriptorSet);
    this.routes = RouteTable.build(this.registry, meshServices.flatMap((service) => service.grpcServices));
    this.rules = accessRules(this.registry, this.routes.routes.map((route) => route.method));
  }

  readonly tokenFor = async (method: string, pathAndQuery: string, body: unknown): Promise<string | undefined> => {
    const [path = '', query = ''] = pathAndQuery.split('?', 2);
    const match = this.routes.lookup(method, path);
    const rule = match === undefined ? undefined : this.rules.get(match.route.method);
    if (match === undefined || rule === undefined || rule.open) return undefined;
    const staff = staffPreference.find((role) => rule.roles.has(role));
    if (staff !== undefined) return this.tokens.staff(staff);
    const urlValues = [...match.pathValues, ...queryBindings(match.route, parseQueryParameters(query, false), grpcJsonTranscoderOptions)];
    const message = requestMessage(match.route, urlValues, body === undefined ? '' : JSON.stringify(body), grpcJsonTranscoderOptions, this.registry);
    const named = rule.customerField === undefined ? undefined : fieldValueOf(message, rule.customerField);
    return this.tokens.customer(typeof named === 'bigint' || typeof named === 'number' ? String(named) : await this.ownerOf(path));
  };

  /** The customer a resource belongs to: its GET on the same path, as the auditor. */
  private async ownerOf(path: string): Promise<string> {
    const response = await fetch(`${this.edgeUrl}${path}`, { headers: { authorization: `Bearer ${await this.tokens.staff('auditor')}` }, signal: AbortSignal.timeout(10_000) });
    const resource = (await response.json()) as { customerId?: string };
    return resource.customerId ?? '';
  }
}
