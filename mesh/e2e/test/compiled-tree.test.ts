import { expect } from 'chai';
import { field, id, shopForSuite, type Json } from './shop.js';

/**
 * The shop as `make dev` and the image run it: every process from the JavaScript `make build`
 * compiles into dist/ (with the descriptor set beside it), not from the TypeScript the other
 * suites run through tsx. What only the compiled tree can get wrong: a file `make build` did not
 * copy, an import map dist/package.json lacks, an entry that is not where the runtime looks.
 */
describe('the compiled tree (make build) runs the shop', function () {
  this.timeout(120_000);
  const shop = shopForSuite({ runtime: 'compiled' });

  it('places an order through the edge, paid and shown on my page, every process compiled JavaScript', async () => {
    const rest = shop().rest;
    const bookId = id(await rest.post('/books', { bookName: 'Compiled', stock: 3, price: 1500 }));
    const customerId = id(await rest.post('/customers', { name: 'Ada', email: 'ada@example.com' }));
    const placed = (await rest.post('/orders', { customerId, bookId, quantity: 1, deliveryAddress: '1 Build Street' })) as Json;
    expect(placed).to.include({ paymentState: 'PAID', amount: '1500' });
    const row = await shop().eventually(
      'my page to show the order',
      async () => ((await rest.get(`/myPages/${customerId}`)) as { rows?: Json[] }).rows?.find((entry) => entry.orderId === id(placed)),
      (entry) => entry !== undefined,
    );
    expect(field(row, 'paymentState')).to.equal('PAID');
    for (const process of shop().mesh.processes()) {
      expect(process.spec.nodeArguments.some((argument) => argument.includes('/dist/') && argument.endsWith('.js')), `${process.spec.label} runs from dist/`).to.equal(true);
    }
  });
});
