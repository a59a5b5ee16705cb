import { percentDecode } from './percent-decoding.js';
import type { PathTemplate } from './path-template.js';

/** A request path as the matcher sees it: its segments and the custom verb split off the last one. */
export interface RequestPath {
  parts: readonly string[];
  verb: string;
}

/**
 * Envoy's ExtractRequestParts: a ':' after the last '/' starts a verb only when some template
 * registers that verb (otherwise it is part of the segment), and trailing empty segments are dropped
 * (`/books/` is `/books`).
 */
export function splitRequestPath(path: string, registeredVerbs: ReadonlySet<string>): RequestPath {
  let rest = path;
  let verb = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && registeredVerbs.has(rest.slice(colon + 1))) {
    verb = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.length > 0 ? rest.slice(1).split('/') : [];
  while (parts.at(-1) === '') parts.pop();
  return { parts, verb };
}

const literalRank = 0;
const singleRank = 1;
const multiRank = 2;

/**
 * How each request segment is matched when `template` matches (lower is more specific), or
 * undefined. Comparing these lists picks the route Envoy's path trie picks: at the first segment
 * where two templates differ, a literal beats `*`, which beats `**`.
 */
export function matchRanks(template: PathTemplate, request: RequestPath): readonly number[] | undefined {
  if (template.verb !== request.verb) return undefined;
  const ranks: number[] = [];
  for (const [index, segment] of template.segments.entries()) {
    if (segment.kind === 'multi') return [...ranks, ...request.parts.slice(index).map(() => multiRank)];
    const part = request.parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal' && segment.value !== part) return undefined;
    ranks.push(segment.kind === 'literal' ? literalRank : singleRank);
  }
  return ranks.length === request.parts.length ? ranks : undefined;
}

/** True when `a` is the more specific match of the same request path. */
export function isMoreSpecific(a: readonly number[], b: readonly number[]): boolean {
  for (const [index, rank] of a.entries()) {
    const other = b[index] ?? multiRank;
    if (rank !== other) return rank < other;
  }
  return false;
}

export interface PathVariableValue {
  fieldPath: readonly string[];
  value: string;
}

/**
 * The value of each variable of a matched template. A single-segment value is fully percent-decoded;
 * a multi-segment one keeps reserved characters encoded (url_unescape_spec
 * ALL_CHARACTERS_EXCEPT_RESERVED).
 */
export function pathVariableValues(template: PathTemplate, request: RequestPath): PathVariableValue[] {
  return template.variables.map((variable) => {
    const end = variable.end ?? request.parts.length;
    const multiSegment = end - variable.start > 1 || variable.end === undefined;
    const value = request.parts
      .slice(variable.start, end)
      .map((part) => percentDecode(part, { keepReserved: multiSegment, plusAsSpace: false }))
      .join('/');
    return { fieldPath: variable.fieldPath, value };
  });
}
