import { expect } from 'chai';
import { DomainError } from '#kit/domain/errors.js';
import { registerCustomer, type NewCustomer } from '../src/domain/customer.js';

function fieldOf(input: NewCustomer): string | undefined {
  try {
    registerCustomer(input);
  } catch (error) {
    if (error instanceof DomainError) return error.field;
    throw error;
  }
  return undefined;
}

describe('customer domain', () => {
  it('registers a customer with a trimmed name and email', () => {
    expect(registerCustomer({ name: '  Kim Minji ', email: ' minji@example.com ' })).to.deep.equal({ name: 'Kim Minji', email: 'minji@example.com' });
  });

  it('takes no email as none', () => {
    expect(registerCustomer({ name: 'Kim' }).email).to.equal(undefined);
    expect(registerCustomer({ name: 'Kim', email: '  ' }).email).to.equal(undefined);
  });

  it('needs a name of 1..100 characters', () => {
    expect(fieldOf({ name: ' ' })).to.equal('name');
    expect(fieldOf({ name: 'x'.repeat(101) })).to.equal('name');
    expect(fieldOf({ name: 'x'.repeat(100) })).to.equal(undefined);
    // Counted as code points, not UTF-16 units.
    expect(fieldOf({ name: '📚'.repeat(100) })).to.equal(undefined);
  });

  it('refuses an email that is not an address, naming the field', () => {
    for (const email of ['minji', 'minji@', '@example.com', 'minji@example', 'min ji@example.com', 'a@b@example.com', 'minji@example..com']) {
      expect(fieldOf({ name: 'Kim', email }), email).to.equal('email');
    }
    expect(fieldOf({ name: 'Kim', email: `${'x'.repeat(250)}@example.com` })).to.equal('email');
    expect(fieldOf({ name: 'Kim', email: 'kim.minji+books@mail.example.co.kr' })).to.equal(undefined);
  });
});
