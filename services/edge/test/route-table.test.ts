import { expect } from 'chai';
import { meshServices } from '../../../mesh/policy/services.js';
import { readEdgeConfig } from '../src/config.js';
import { httpBindings, httpRuleSchemas } from '../src/descriptors/http-rules.js';
import { RouteTable, RouteTableError, type RouteMatch } from '../src/routing/route-table.js';
import { bookstoreRegistry } from './support/bookstore-descriptors.js';
import { shelfRegistry, shelfService, shelfServiceRpcs, type RpcSpec } from './support/shelf-protos.js';

const catalogService = 'bookstore.catalog.v1.CatalogService';

function bound(match: RouteMatch | undefined): Record<string, string> {
  return Object.fromEntries((match?.pathValues ?? []).map(({ fields, value }) => [fields.map((field) => field.name).join('.'), value]));
}

function problemsOf(rpcs: RpcSpec[], reservedGetPaths: string[] = []): readonly string[] {
  try {
    RouteTable.build(shelfRegistry(rpcs), [shelfService], reservedGetPaths);
  } catch (error) {
    if (error instanceof RouteTableError) return error.problems;
    throw error;
  }
  return [];
}

describe('edge: route table from the descriptor set', () => {
  describe('the catalog, from proto/gen/bookstore.binpb', () => {
    const table = RouteTable.build(bookstoreRegistry(), [catalogService]);

    it("serves DOMAIN.md's catalog REST table", () => {
      const routes = table.routes.map((route) => `${route.httpMethod} ${route.template.source} -> ${route.method.name}`);
      expect(routes).to.have.members([
        'POST /books -> CreateBook',
        'GET /books -> ListBooks',
        'GET /books/{id} -> GetBook',
        'PATCH /books/{id} -> UpdateBook',
        'POST /stockInputs -> InputStock',
        'GET /stockInputs -> ListStockInputs',
        'GET /deliverables -> ListDeliverables',
      ]);
    });

    it('binds the path variable of GET /books/{id} to GetBookRequest.id and calls the gRPC path', () => {
      const match = table.lookup('GET', '/books/42');
      expect(match?.route.grpcPath).to.equal('/bookstore.catalog.v1.CatalogService/GetBook');
      expect(bound(match)).to.deep.equal({ id: '42' });
    });

    it('reads body "*" from the rules; CreateBook returns the Book itself (no response_body)', () => {
      const create = table.lookup('POST', '/books')?.route;
      expect(create?.body).to.deep.equal({ kind: 'whole' });
      expect(create?.method.output.typeName).to.equal('bookstore.catalog.v1.Book');
      expect(table.lookup('GET', '/books')?.route.body).to.deep.equal({ kind: 'none' });
    });

    it('finds no route for an unknown path or a known path with another method', () => {
      expect(table.lookup('GET', '/films')).to.equal(undefined);
      expect(table.lookup('DELETE', '/books')).to.equal(undefined);
      expect(table.lookup('PUT', '/books/1')).to.equal(undefined);
    });
  });

  describe('drift: the protos, the mesh and the edge agree', () => {
    const registry = bookstoreRegistry();
    const schemas = httpRuleSchemas(registry);
    const grpcServices = readEdgeConfig({}).backends.map((backend) => backend.grpcService);

    it('transcodes every gRPC service of mesh/policy/services.ts', () => {
      expect(grpcServices).to.have.members(meshServices.flatMap((service) => service.grpcServices));
    });

    it('every service with google.api.http rules in the protos is one of them', () => {
      const withRules = [...registry.files].flatMap((file) =>
        file.services.filter((service) => service.methods.some((method) => httpBindings(method, schemas).length > 0)).map((service) => service.typeName),
      );
      expect(withRules).to.not.be.empty;
      expect(grpcServices).to.include.members(withRules);
    });

    it('no rule names a response_body: Envoy refuses one on any field but a google.api.HttpBody at start', () => {
      const rules = [...registry.files].flatMap((file) => file.services.flatMap((service) => service.methods.flatMap((method) => httpBindings(method, schemas))));
      expect(rules).to.not.be.empty;
      expect(rules.filter((rule) => rule.responseBody !== '')).to.deep.equal([]);
    });

    it('the edge serves every google.api.http rule (additional bindings included) of those services', () => {
      const table = RouteTable.build(registry, grpcServices);
      const rules = grpcServices.flatMap((name) => registry.getService(name)?.methods.flatMap((method) => httpBindings(method, schemas)) ?? []);
      expect(rules).to.not.be.empty;
      expect(table.routes.map((route) => `${route.httpMethod} ${route.template.source}`)).to.have.members(
        rules.map((rule) => `${rule.httpMethod} ${rule.pathTemplate}`),
      );
    });
  });

  describe('the shapes the catalog does not use (edge.test.v1.ShelfService)', () => {
    const table = RouteTable.build(shelfRegistry(), [shelfService]);

    it('prefers a literal segment to a variable', () => {
      expect(table.lookup('GET', '/v1/shelves/featured/books')?.route.method.name).to.equal('ListFeaturedBooks');
      expect(table.lookup('GET', '/v1/shelves/7/books')?.route.method.name).to.equal('ListBooks');
    });

    it('serves additional_bindings as routes of the same method', () => {
      expect(bound(table.lookup('GET', '/v1/books/4'))).to.deep.equal({ id: '4' });
      const other = table.lookup('GET', '/v1/shelves/3/books/4');
      expect(other?.route.method.name).to.equal('GetBook');
      expect(bound(other)).to.deep.equal({ shelf_id: '3', id: '4' });
    });

    it('binds a nested path variable {shelf.id} into the named body field', () => {
      const match = table.lookup('PATCH', '/v1/shelves/5');
      expect(bound(match)).to.deep.equal({ 'shelf.id': '5' });
      expect(match?.route.body.kind).to.equal('field');
    });

    it('matches a custom verb and a multi-segment variable', () => {
      expect(bound(table.lookup('POST', '/v1/shelves/a/books/b:move'))).to.deep.equal({ name: 'shelves/a/books/b' });
    });

    it("serves a custom pattern under its own method name (custom: {kind, path})", () => {
      const rpcs = [...shelfServiceRpcs, { name: 'Search', input: 'ListBooksRequest', output: 'ListBooksResponse', http: { custom: { kind: 'SEARCH', path: '/v1/books' } } }];
      const custom = RouteTable.build(shelfRegistry(rpcs), [shelfService]);
      expect(custom.lookup('SEARCH', '/v1/books')?.route.method.name).to.equal('Search');
      expect(custom.lookup('GET', '/v1/books')).to.equal(undefined);
    });

    it('leaves a method without google.api.http unrouted', () => {
      const rpcs = [...shelfServiceRpcs, { name: 'Internal', input: 'GetBookRequest', output: 'Book' }];
      expect(RouteTable.build(shelfRegistry(rpcs), [shelfService]).routes).to.have.length(table.routes.length);
    });
  });

  describe('a rule it cannot serve stops it at start, every problem listed', () => {
    const rpc = (http: RpcSpec['http'], extra: Partial<RpcSpec> = {}): RpcSpec => ({ name: 'Broken', input: 'ListBooksRequest', output: 'Book', http, ...extra });
    const envoyRefusal = 'Setting "response_body" is not supported yet for non-HttpBody fields: edge.test.v1.ShelfService.Broken';

    it('a service missing from the descriptor set', () => {
      expect(() => RouteTable.build(bookstoreRegistry(), ['bookstore.nothing.v1.NothingService'])).to.throw(RouteTableError, 'could not find the service bookstore.nothing.v1.NothingService');
    });

    for (const [what, spec, problem] of [
      ['a variable naming no field', rpc({ get: '/x/{nope}' }), 'Could not find field "nope" in the type "edge.test.v1.ListBooksRequest"'],
      ['a variable bound to a message field', rpc({ get: '/x/{filter}' }), 'a edge.test.v1.Filter field cannot be bound from the URL'],
      ['a body naming no field', rpc({ post: '/x', body: 'nope' }), 'Could not find field "nope"'],
      ['a response_body naming no field', rpc({ get: '/x', response_body: 'nope' }), 'Could not find field "nope" in the type "edge.test.v1.Book"'],
      ['a response_body naming a message field, as Envoy refuses it', rpc({ get: '/x', response_body: 'book' }, { output: 'GetBookResponse' }), envoyRefusal],
      ['a response_body naming a scalar field', rpc({ get: '/x', response_body: 'etag' }, { output: 'GetBookResponse' }), envoyRefusal],
      ['a response_body in an additional binding', rpc({ get: '/x', additional_bindings: [{ get: '/y', response_body: 'book' }] }, { output: 'GetBookResponse' }), envoyRefusal],
      ['a malformed template', rpc({ get: '/x/{id' }), 'path template "/x/{id"'],
      ['a rule without a pattern', rpc({ body: '*' }), 'has no pattern'],
      ['nested additional_bindings', rpc({ get: '/x', additional_bindings: [{ get: '/y', additional_bindings: [{ get: '/z' }] }] }), 'may not nest'],
      ['a streaming method', rpc({ get: '/x' }, { streaming: 'server' }), 'server_streaming methods are not served by the local edge'],
    ] as const) {
      it(what, () => {
        expect(problemsOf([spec]).join('\n')).to.contain(problem);
      });
    }

    it('two rules for the same method and path', () => {
      const problems = problemsOf([rpc({ get: '/x/{shelf_id}' }), { ...rpc({ get: '/x/{page_size}' }), name: 'Twin' }]);
      expect(problems.join('\n')).to.contain('both match GET /x/*');
    });

    it("a GET rule that would shadow the edge's own /livez", () => {
      expect(problemsOf([rpc({ get: '/{cursor}' })], ['/livez']).join('\n')).to.contain("shadows the edge's own GET /livez");
    });

    it('all problems at once', () => {
      expect(problemsOf([rpc({ get: '/x/{nope}' }), { ...rpc({ get: '/y', response_body: 'nope' }), name: 'Other' }])).to.have.length(2);
    });
  });
});
