/**
 * google.api.http path templates (google/api/http.proto, "Path template syntax"):
 *
 *   Template = "/" Segments [ Verb ] ;
 *   Segments = Segment { "/" Segment } ;
 *   Segment  = "*" | "**" | LITERAL | Variable ;
 *   Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *   FieldPath = IDENT { "." IDENT } ;
 *   Verb     = ":" LITERAL ;
 *
 * `{id}` means `{id=*}`; `**` matches zero or more segments and may only end the template.
 */
export type TemplateSegment = { kind: 'literal'; value: string } | { kind: 'single' } | { kind: 'multi' };

export interface TemplateVariable {
  /** The field path as written in the template, e.g. ['book', 'id']. */
  fieldPath: readonly string[];
  /** Index of the first segment the variable covers. */
  start: number;
  /** Index after the last segment it covers; undefined when it ends in `**` (to the end of the path). */
  end: number | undefined;
}

export interface PathTemplate {
  source: string;
  segments: readonly TemplateSegment[];
  variables: readonly TemplateVariable[];
  /** The custom verb after ':' ('' when none). */
  verb: string;
}

export class PathTemplateError extends Error {
  constructor(source: string, problem: string) {
    super(`path template "${source}": ${problem}`);
    this.name = 'PathTemplateError';
  }
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*/;
const literalStop = new Set(['/', '{', '}', '*', ':', '=']);

export function parsePathTemplate(source: string): PathTemplate {
  return new TemplateParser(source).parse();
}

class TemplateParser {
  private position = 0;
  private readonly segments: TemplateSegment[] = [];
  private readonly variables: TemplateVariable[] = [];

  constructor(private readonly source: string) {}

  parse(): PathTemplate {
    if (!this.source.startsWith('/')) this.fail('must start with "/"');
    this.position = 1;
    if (this.source !== '/') this.parseSegments(false);
    let verb = '';
    if (this.peek() === ':') {
      this.position += 1;
      verb = this.parseLiteral('a verb after ":"');
    }
    if (this.position < this.source.length) this.fail(`unexpected "${this.source.charAt(this.position)}" at ${this.position}`);
    const multi = this.segments.findIndex((segment) => segment.kind === 'multi');
    if (multi !== -1 && multi !== this.segments.length - 1) this.fail('"**" must be the last segment');
    const names = this.variables.map((variable) => variable.fieldPath.join('.'));
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) this.fail(`variable "${repeated}" appears twice`);
    return { source: this.source, segments: this.segments, variables: this.variables, verb };
  }

  private parseSegments(inVariable: boolean): void {
    for (;;) {
      this.parseSegment(inVariable);
      if (this.peek() !== '/') return;
      this.position += 1;
    }
  }

  private parseSegment(inVariable: boolean): void {
    if (this.source.startsWith('**', this.position)) {
      this.position += 2;
      this.segments.push({ kind: 'multi' });
    } else if (this.peek() === '*') {
      this.position += 1;
      this.segments.push({ kind: 'single' });
    } else if (this.peek() === '{') {
      if (inVariable) this.fail('variables may not nest');
      this.parseVariable();
    } else {
      this.segments.push({ kind: 'literal', value: this.parseLiteral('a segment') });
    }
  }

  private parseVariable(): void {
    this.position += 1;
    const fieldPath: string[] = [];
    for (;;) {
      const match = identifier.exec(this.source.slice(this.position));
      if (match === null) this.fail(`expected a field name at ${this.position}`);
      fieldPath.push(match[0]);
      this.position += match[0].length;
      if (this.peek() !== '.') break;
      this.position += 1;
    }
    const start = this.segments.length;
    if (this.peek() === '=') {
      this.position += 1;
      this.parseSegments(true);
    } else {
      this.segments.push({ kind: 'single' });
    }
    if (this.peek() !== '}') this.fail(`expected "}" at ${this.position}`);
    this.position += 1;
    const endsInMulti = this.segments.at(-1)?.kind === 'multi';
    this.variables.push({ fieldPath, start, end: endsInMulti ? undefined : this.segments.length });
  }

  private parseLiteral(what: string): string {
    const begin = this.position;
    while (this.position < this.source.length && !literalStop.has(this.source.charAt(this.position))) this.position += 1;
    if (this.position === begin) this.fail(`expected ${what} at ${begin}`);
    return this.source.slice(begin, this.position);
  }

  private peek(): string {
    return this.source.charAt(this.position);
  }

  private fail(problem: string): never {
    throw new PathTemplateError(this.source, problem);
  }
}
