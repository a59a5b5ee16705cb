import { getOption, hasOption, isMessage, toJson, type DescField, type DescMethod, type Message, type Registry } from '@bufbuild/protobuf';
import { roleClaimOf } from './role-claim.js';
import { resolveFieldPath } from './field-path.js';

/** One method's access as declared in the protos (option (bookstore.access.v1.access)). */
export interface AccessRule {
  open: boolean;
  /** Role claims that may call: "customer", "book-manager", … */
  roles: ReadonlySet<string>;
  /** For a customer: the request field that must equal the token's customer. */
  customerField?: readonly DescField[];
  /** For a customer reading one resource: the response field that must equal the token's customer. */
  responseCustomerField?: readonly DescField[];
  /** For a customer changing one resource: the read method whose response decides. */
  ownerRead?: DescMethod;
}

export const accessExtensionName = 'bookstore.access.v1.access';
export const customerRole = 'customer';

interface AccessJson {
  open?: boolean;
  roles?: string[];
  customerField?: string;
  responseCustomerField?: string;
  ownerReadMethod?: string;
}

/** The declared access of every method of these services; throws listing every method that has none or a broken one. */
export function accessRules(registry: Registry, methods: readonly DescMethod[]): Map<DescMethod, AccessRule> {
  const extension = registry.getExtension(accessExtensionName);
  const schema = registry.getMessage('bookstore.access.v1.Access');
  if (extension === undefined || schema === undefined) throw new Error(`the descriptor set has no ${accessExtensionName} option: build it with \`make proto\``);
  const problems: string[] = [];
  const rules = new Map<DescMethod, AccessRule>();
  for (const method of methods) {
    const where = `${method.parent.typeName}.${method.name}`;
    if (!hasOption(method, extension)) {
      problems.push(`${where} declares no access (option (${accessExtensionName}))`);
      continue;
    }
    try {
      const option = getOption(method, extension);
      if (!isMessage(option, schema)) throw new Error(`${accessExtensionName} is not a bookstore.access.v1.Access`);
      rules.set(method, accessRule(method, toJson(schema, option) as AccessJson));
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  problems.push(...ownerReadProblems(rules));
  if (problems.length > 0) throw new Error(`access declarations the edges cannot enforce:\n  ${problems.join('\n  ')}`);
  return rules;
}

function accessRule(method: DescMethod, access: AccessJson): AccessRule {
  const roles = new Set((access.roles ?? []).map((role) => roleName(role)));
  const open = access.open === true;
  if (open === roles.size > 0) throw new Error('declare either open: true or at least one role');
  const customerOnly = (option: string): void => {
    if (!roles.has(customerRole)) throw new Error(`${option} needs the CUSTOMER role`);
  };
  const rule: AccessRule = { open, roles };
  if (nonEmpty(access.customerField)) {
    customerOnly('customer_field');
    rule.customerField = resolveFieldPath(method.input, access.customerField.split('.'));
  }
  if (nonEmpty(access.responseCustomerField)) {
    customerOnly('response_customer_field');
    rule.responseCustomerField = resolveFieldPath(method.output, access.responseCustomerField.split('.'));
  }
  if (nonEmpty(access.ownerReadMethod)) {
    customerOnly('owner_read_method');
    const read = method.parent.methods.find((candidate) => candidate.name === access.ownerReadMethod);
    if (read === undefined) throw new Error(`owner_read_method ${access.ownerReadMethod} is not a method of ${method.parent.typeName}`);
    rule.ownerRead = read;
  }
  if (roles.has(customerRole) && rule.customerField === undefined && rule.responseCustomerField === undefined && rule.ownerRead === undefined) {
    throw new Error('the CUSTOMER role needs customer_field, response_customer_field or owner_read_method: which customer\'s data is it?');
  }
  return rule;
}

/** An owner read must itself declare which response field names the customer. */
function ownerReadProblems(rules: ReadonlyMap<DescMethod, AccessRule>): string[] {
  return [...rules].flatMap(([method, rule]) =>
    rule.ownerRead === undefined || rules.get(rule.ownerRead)?.responseCustomerField !== undefined
      ? []
      : [`${method.parent.typeName}.${method.name}: its owner_read_method ${rule.ownerRead.name} declares no response_customer_field`],
  );
}

function roleName(value: string): string {
  if (value === 'ROLE_UNSPECIFIED') throw new Error(`role ${value} is not a role`);
  return roleClaimOf(value);
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** The value at a field path of a message (e.g. the customer a request names). */
export function fieldValueOf(message: Message, fields: readonly DescField[]): unknown {
  let value: unknown = message;
  for (const field of fields) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field.localName] : undefined;
  return value;
}
