import { expect } from 'chai';
import { isMoreSpecific, matchRanks, pathVariableValues, splitRequestPath } from '../src/routing/path-matcher.js';
import { parsePathTemplate, PathTemplateError } from '../src/routing/path-template.js';
import { percentDecode } from '../src/routing/percent-decoding.js';

const noVerbs: ReadonlySet<string> = new Set();

function bind(template: string, path: string, verbs: ReadonlySet<string> = noVerbs): Record<string, string> | undefined {
  const parsed = parsePathTemplate(template);
  const request = splitRequestPath(path, verbs);
  if (matchRanks(parsed, request) === undefined) return undefined;
  return Object.fromEntries(pathVariableValues(parsed, request).map(({ fieldPath, value }) => [fieldPath.join('.'), value]));
}

describe('edge: path templates', () => {
  describe('parsing (google/api/http.proto grammar)', () => {
    it('reads literals, variables, wildcards and the verb', () => {
      const template = parsePathTemplate('/v1/{name=shelves/*/books/*}:move');
      expect(template.segments).to.deep.equal([
        { kind: 'literal', value: 'v1' },
        { kind: 'literal', value: 'shelves' },
        { kind: 'single' },
        { kind: 'literal', value: 'books' },
        { kind: 'single' },
      ]);
      expect(template.variables).to.deep.equal([{ fieldPath: ['name'], start: 1, end: 5 }]);
      expect(template.verb).to.equal('move');
    });

    it('reads {id} as {id=*} and a nested field path a.b', () => {
      expect(parsePathTemplate('/books/{id}').variables).to.deep.equal([{ fieldPath: ['id'], start: 1, end: 2 }]);
      expect(parsePathTemplate('/shelves/{shelf.id}').variables).to.deep.equal([{ fieldPath: ['shelf', 'id'], start: 1, end: 2 }]);
    });

    it('marks a variable ending in ** as running to the end of the path', () => {
      expect(parsePathTemplate('/files/{path=**}').variables).to.deep.equal([{ fieldPath: ['path'], start: 1, end: undefined }]);
    });

    it('accepts the root template', () => {
      expect(parsePathTemplate('/').segments).to.deep.equal([]);
    });

    for (const [template, problem] of [
      ['books', 'must start with "/"'],
      ['/a/**/b', '"**" must be the last segment'],
      ['/a/{x={y}}', 'variables may not nest'],
      ['/a/{x', 'expected "}"'],
      ['/a/{1x}', 'expected a field name'],
      ['/a/{x}/{x}', 'variable "x" appears twice'],
      ['/a:', 'expected a verb'],
      ['/a//b', 'expected a segment'],
    ] as const) {
      it(`rejects ${template}: ${problem}`, () => {
        expect(() => parsePathTemplate(template)).to.throw(PathTemplateError, problem);
      });
    }
  });

  describe('matching and binding', () => {
    it('binds a single-segment variable, fully percent-decoded', () => {
      expect(bind('/books/{id}', '/books/42')).to.deep.equal({ id: '42' });
      expect(bind('/books/{id}', '/books/a%2Fb%20c')).to.deep.equal({ id: 'a/b c' });
    });

    it('binds a nested field path', () => {
      expect(bind('/shelves/{shelf.id}', '/shelves/7')).to.deep.equal({ 'shelf.id': '7' });
    });

    it('binds a multi-segment variable, keeping reserved characters encoded', () => {
      expect(bind('/v1/{name=shelves/*/books/*}', '/v1/shelves/s1/books/b%2F1%20x')).to.deep.equal({ name: 'shelves/s1/books/b%2F1 x' });
    });

    it('binds ** to every remaining segment, or to none', () => {
      expect(bind('/files/{path=**}', '/files/a/b/c')).to.deep.equal({ path: 'a/b/c' });
      expect(bind('/files/{path=**}', '/files')).to.deep.equal({ path: '' });
    });

    it('does not match a path of another length or with another literal', () => {
      expect(bind('/books/{id}', '/books')).to.equal(undefined);
      expect(bind('/books/{id}', '/books/1/extra')).to.equal(undefined);
      expect(bind('/books/{id}', '/films/1')).to.equal(undefined);
    });

    it('ignores a trailing slash, as Envoy does', () => {
      expect(bind('/books', '/books/')).to.deep.equal({});
    });

    it('splits a registered custom verb off the last segment, and only then', () => {
      const verbs = new Set(['move']);
      expect(bind('/v1/{name=shelves/*}:move', '/v1/shelves/a:move', verbs)).to.deep.equal({ name: 'shelves/a' });
      expect(bind('/v1/{name=shelves/*}', '/v1/shelves/a:move', verbs)).to.equal(undefined);
      expect(bind('/v1/{name=shelves/*}', '/v1/shelves/a:other', verbs)).to.deep.equal({ name: 'shelves/a:other' });
    });

    it('prefers a literal to *, and * to **, at the first segment where templates differ', () => {
      const request = splitRequestPath('/shelves/featured/books', noVerbs);
      const literal = matchRanks(parsePathTemplate('/shelves/featured/books'), request) ?? [];
      const single = matchRanks(parsePathTemplate('/shelves/{id}/books'), request) ?? [];
      const multi = matchRanks(parsePathTemplate('/shelves/{rest=**}'), request) ?? [];
      expect(isMoreSpecific(literal, single)).to.equal(true);
      expect(isMoreSpecific(single, multi)).to.equal(true);
      expect(isMoreSpecific(multi, literal)).to.equal(false);
    });
  });

  describe('percent-decoding', () => {
    it('decodes UTF-8 escapes and leaves malformed ones as written', () => {
      expect(percentDecode('caf%C3%A9%zz%4', { keepReserved: false, plusAsSpace: false })).to.equal('café%zz%4');
    });

    it('turns + into a space only when asked (query_param_unescape_plus)', () => {
      expect(percentDecode('a+b', { keepReserved: false, plusAsSpace: false })).to.equal('a+b');
      expect(percentDecode('a+b', { keepReserved: false, plusAsSpace: true })).to.equal('a b');
    });
  });
});
