import protobuf from 'protobufjs';
import { describe, isScalarKind, scalarProblem, type ScalarKind } from './proto-scalars.js';
import {
  durationRuleProblems,
  enumRuleProblems,
  isRequired,
  isRequiredOneof,
  listRuleProblems,
  numberRuleProblems,
  stringRuleProblems,
} from './validate-rules.js';

/**
 * Walks a config value (parsed YAML/JSON) against a protobuf message type the way Envoy loads it,
 * but strictly: every key must be a field of the type (proto or JSON name), every `@type` must be
 * a loaded type, enums must name a value, durations and scalars must be well-formed, deprecated
 * fields and the protoc-gen-validate rules of validate-rules.ts are enforced, and null is refused.
 * Returns every problem with its path; an empty list means the value decodes.
 */
export function protoJsonProblems(type: protobuf.Type, value: unknown): string[] {
  const problems: string[] = [];
  checkMessage(type, value, '$', problems);
  return problems;
}

type JsonRecord = Record<string, unknown>;

const wrappers: Readonly<Record<string, ScalarKind>> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};
/** Types whose JSON form is not an object of their fields; inside an Any they sit under "value". */
const specialJson = new Set([
  ...Object.keys(wrappers),
  '.google.protobuf.Duration',
  '.google.protobuf.Timestamp',
  '.google.protobuf.FieldMask',
  '.google.protobuf.Struct',
  '.google.protobuf.Value',
  '.google.protobuf.ListValue',
  '.google.protobuf.Any',
]);

const isRecord = (value: unknown): value is JsonRecord => typeof value === 'object' && value !== null && !Array.isArray(value);
const jsonName = (name: string): string => name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

function checkMessage(type: protobuf.Type, value: unknown, path: string, problems: string[]): void {
  if (checkWellKnown(type, value, path, problems)) return;
  if (!isRecord(value)) {
    problems.push(`${path}: expected an object (${type.fullName.slice(1)}), got ${describe(value)}`);
    return;
  }
  const setFields = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const field = type.fieldsArray.find((candidate) => candidate.name === key || jsonName(candidate.name) === key);
    const childPath = `${path}.${key}`;
    if (field === undefined) {
      problems.push(`${childPath}: unknown field of ${type.fullName.slice(1)}`);
      continue;
    }
    if (setFields.has(field.name)) problems.push(`${childPath}: ${field.name} is set twice`);
    setFields.set(field.name, key);
    const options: JsonRecord = field.options ?? {};
    if (options['deprecated'] === true) problems.push(`${childPath}: deprecated field`);
    checkField(field, child, childPath, problems);
  }
  for (const oneof of type.oneofsArray) {
    const members = oneof.fieldsArray.filter((field) => setFields.has(field.name)).map((field) => field.name);
    if (members.length > 1) problems.push(`${path}: ${members.join(' and ')} are alternatives (oneof ${oneof.name}); set one`);
    if (members.length === 0 && isRequiredOneof(oneof)) problems.push(`${path}: one of ${oneof.fieldsArray.map((field) => field.name).join(', ')} is required`);
  }
  // A rule on a oneof member applies only when that member is the one set.
  for (const field of type.fieldsArray) {
    if (field.partOf === null && isRequired(field) && !setFields.has(field.name)) problems.push(`${path}.${field.name}: required`);
  }
}

function checkField(field: protobuf.Field, value: unknown, path: string, problems: string[]): void {
  const options: JsonRecord = field.options ?? {};
  if (field.map) {
    if (!isRecord(value)) {
      problems.push(`${path}: expected a map (object), got ${describe(value)}`);
      return;
    }
    problems.push(...listRuleProblems(options, Object.keys(value).length, true).map((problem) => `${path}: ${problem}`));
    for (const [key, entry] of Object.entries(value)) checkSingle(field, entry, `${path}[${key}]`, '(validate.rules).map.values.', problems);
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) {
      problems.push(`${path}: expected a list, got ${describe(value)}`);
      return;
    }
    problems.push(...listRuleProblems(options, value.length, false).map((problem) => `${path}: ${problem}`));
    value.forEach((item, index) => {
      checkSingle(field, item, `${path}[${String(index)}]`, '(validate.rules).repeated.items.', problems);
    });
    return;
  }
  checkSingle(field, value, path, '(validate.rules).', problems);
}

function checkSingle(field: protobuf.Field, value: unknown, path: string, rulePrefix: string, problems: string[]): void {
  const options: JsonRecord = field.options ?? {};
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    if (value === null && resolved.fullName !== '.google.protobuf.Value') {
      problems.push(`${path}: null (leave the field out instead)`);
      return;
    }
    checkMessage(resolved, value, path, problems);
    const wrapped = wrappers[resolved.fullName];
    if (wrapped !== undefined) problems.push(...numberRuleProblems(options, rulePrefix, wrapped, value).map((problem) => `${path}: ${problem}`));
    if (resolved.fullName === '.google.protobuf.Duration' && typeof value === 'string') {
      const nanos = durationNanos(value);
      if (nanos !== undefined) problems.push(...durationRuleProblems(options, nanos, `${value} (${nanos} ns)`).map((problem) => `${path}: ${problem}`));
    }
    return;
  }
  if (resolved instanceof protobuf.Enum) {
    checkEnum(resolved, options, rulePrefix, value, path, problems);
    return;
  }
  if (!isScalarKind(field.type)) {
    problems.push(`${path}: unresolved type ${field.type}`);
    return;
  }
  const problem = scalarProblem(field.type, value);
  if (problem !== undefined) {
    problems.push(`${path}: ${problem}`);
    return;
  }
  problems.push(...numberRuleProblems(options, rulePrefix, field.type, value).map((message) => `${path}: ${message}`));
  if (typeof value === 'string' && field.type === 'string') problems.push(...stringRuleProblems(options, rulePrefix, value).map((message) => `${path}: ${message}`));
}

function checkEnum(type: protobuf.Enum, options: JsonRecord, rulePrefix: string, value: unknown, path: string, problems: string[]): void {
  if (type.fullName === '.google.protobuf.NullValue' && value === null) return;
  const number = typeof value === 'string' ? type.values[value] : typeof value === 'number' && Object.values(type.values).includes(value) ? value : undefined;
  if (number === undefined) {
    problems.push(`${path}: ${describe(value)} is not a value of ${type.fullName.slice(1)} (${Object.keys(type.values).join(', ')})`);
    return;
  }
  problems.push(...enumRuleProblems(options, rulePrefix, number, String(value)).map((problem) => `${path}: ${problem}`));
}

/** The well-known types with their own JSON form. Returns false for an ordinary message. */
function checkWellKnown(type: protobuf.Type, value: unknown, path: string, problems: string[]): boolean {
  const name = type.fullName;
  const wrapped = wrappers[name];
  if (wrapped !== undefined) {
    const problem = scalarProblem(wrapped, value);
    if (problem !== undefined) problems.push(`${path}: ${problem}`);
    return true;
  }
  switch (name) {
    case '.google.protobuf.Duration':
      if (typeof value !== 'string' || durationNanos(value) === undefined) problems.push(`${path}: expected a duration like "1.5s", got ${describe(value)}`);
      return true;
    case '.google.protobuf.Timestamp':
      if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/.test(value)) problems.push(`${path}: expected an RFC 3339 time, got ${describe(value)}`);
      return true;
    case '.google.protobuf.FieldMask':
      if (typeof value !== 'string') problems.push(`${path}: expected a field mask string, got ${describe(value)}`);
      return true;
    case '.google.protobuf.Struct':
      if (!isRecord(value)) problems.push(`${path}: expected an object, got ${describe(value)}`);
      return true;
    case '.google.protobuf.ListValue':
      if (!Array.isArray(value)) problems.push(`${path}: expected a list, got ${describe(value)}`);
      return true;
    case '.google.protobuf.Value':
      return true;
    case '.google.protobuf.Any':
      checkAny(type, value, path, problems);
      return true;
    default:
      return false;
  }
}

function checkAny(anyType: protobuf.Type, value: unknown, path: string, problems: string[]): void {
  if (!isRecord(value)) {
    problems.push(`${path}: expected an object with "@type", got ${describe(value)}`);
    return;
  }
  const { '@type': typeUrl, ...fields } = value;
  if (typeof typeUrl !== 'string' || !typeUrl.includes('/')) {
    problems.push(`${path}: "@type" must be a type URL like type.googleapis.com/<message>, got ${describe(typeUrl)}`);
    return;
  }
  const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  const resolved = anyType.root.lookup(typeName);
  if (!(resolved instanceof protobuf.Type)) {
    problems.push(`${path}: "@type" ${typeName} is not a loaded Envoy API type`);
    return;
  }
  if (!specialJson.has(resolved.fullName)) {
    checkMessage(resolved, fields, path, problems);
    return;
  }
  const extra = Object.keys(fields).filter((key) => key !== 'value');
  if (extra.length > 0) problems.push(`${path}: a packed ${typeName} has only "value", not ${extra.join(', ')}`);
  checkMessage(resolved, fields['value'], `${path}.value`, problems);
}

/** Nanoseconds of a protobuf JSON duration ("-1.5s", "0.000000001s"), undefined when malformed. */
function durationNanos(text: string): number | undefined {
  const match = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) return undefined;
  const seconds = Number(match[2]);
  if (seconds > 315_576_000_000) return undefined;
  const nanos = seconds * 1e9 + Number((match[3] ?? '').padEnd(9, '0'));
  return match[1] === '-' ? -nanos : nanos;
}
