import type protobuf from 'protobufjs';
import { numericValue } from './proto-scalars.js';

/**
 * The protoc-gen-validate rules Envoy enforces at load time, for the cases a hand-made config
 * gets wrong: required messages, required oneofs, numeric and duration bounds, string length and
 * pattern, list sizes, excluded enum values. Rules are read from the option keys protobufjs
 * flattens them into, e.g. "(validate.rules).uint32.gt".
 */
type Options = Readonly<Record<string, unknown>>;

const requiredKeys = ['message', 'duration', 'any', 'timestamp'].map((kind) => `(validate.rules).${kind}.required`);

export function isRequired(field: protobuf.Field): boolean {
  const options: Options = field.options ?? {};
  return requiredKeys.some((key) => options[key] === true);
}

export function isRequiredOneof(oneof: protobuf.OneOf): boolean {
  const options: Options = oneof.options ?? {};
  return options['(validate.required)'] === true;
}

/** Bounds for a number (`kind` is the scalar or wrapped type, `prefix` selects field or list items). */
export function numberRuleProblems(options: Options, prefix: string, kind: string, value: unknown): string[] {
  const number = numericValue(value);
  if (number === undefined) return [];
  return boundProblems(options, `${prefix}${kind}.`, number, String(value));
}

export function durationRuleProblems(options: Options, nanos: number, text: string): string[] {
  const bound = (op: string): number | undefined => {
    const seconds = numericValue(options[`(validate.rules).duration.${op}.seconds`]);
    const nanosPart = numericValue(options[`(validate.rules).duration.${op}.nanos`]);
    if (seconds === undefined && nanosPart === undefined && options[`(validate.rules).duration.${op}`] === undefined) return undefined;
    return (seconds ?? 0) * 1e9 + (nanosPart ?? 0);
  };
  return compare(nanos, text, bound);
}

export function stringRuleProblems(options: Options, prefix: string, value: string): string[] {
  const problems: string[] = [];
  const rule = (name: string): unknown => options[`${prefix}string.${name}`];
  const minLen = numericValue(rule('min_len'));
  const maxLen = numericValue(rule('max_len'));
  const maxBytes = numericValue(rule('max_bytes'));
  const pattern = rule('pattern');
  const chars = Array.from(value).length;
  if (minLen !== undefined && chars < minLen) problems.push(`"${value}" is shorter than ${minLen} characters`);
  if (maxLen !== undefined && chars > maxLen) problems.push(`"${value}" is longer than ${maxLen} characters`);
  if (maxBytes !== undefined && Buffer.byteLength(value) > maxBytes) problems.push(`"${value}" is longer than ${maxBytes} bytes`);
  if (typeof pattern === 'string' && !new RegExp(pattern, 'u').test(value)) problems.push(`"${value}" does not match ${pattern}`);
  return problems;
}

export function listRuleProblems(options: Options, count: number, isMap: boolean): string[] {
  const min = numericValue(options[isMap ? '(validate.rules).map.min_pairs' : '(validate.rules).repeated.min_items']);
  const max = numericValue(options['(validate.rules).repeated.max_items']);
  const problems: string[] = [];
  if (min !== undefined && count < min) problems.push(`needs at least ${min} entries, has ${count}`);
  if (max !== undefined && count > max) problems.push(`allows at most ${max} entries, has ${count}`);
  return problems;
}

export function enumRuleProblems(options: Options, prefix: string, number: number, name: string): string[] {
  const excluded = options[`${prefix}enum.not_in`];
  const list = Array.isArray(excluded) ? excluded : excluded === undefined ? [] : [excluded];
  return list.includes(number) ? [`${name} is excluded by the API`] : [];
}

function boundProblems(options: Options, prefix: string, number: number, text: string): string[] {
  return compare(number, text, (op) => numericValue(options[`${prefix}${op}`]));
}

function compare(value: number, text: string, bound: (op: string) => number | undefined): string[] {
  const problems: string[] = [];
  const gt = bound('gt');
  const gte = bound('gte');
  const lt = bound('lt');
  const lte = bound('lte');
  if (gt !== undefined && !(value > gt)) problems.push(`${text} must be > ${gt}`);
  if (gte !== undefined && !(value >= gte)) problems.push(`${text} must be >= ${gte}`);
  if (lt !== undefined && !(value < lt)) problems.push(`${text} must be < ${lt}`);
  if (lte !== undefined && !(value <= lte)) problems.push(`${text} must be <= ${lte}`);
  return problems;
}
