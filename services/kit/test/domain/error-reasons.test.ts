import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ErrorReason } from '#contracts/errors/v1/errors.js';
import { INVALID_FIELD } from '#kit/domain/errors.js';

const servicesDir = fileURLToPath(new URL('../../../', import.meta.url));

/** Every ErrorInfo reason the services' code can raise: precondition({ reason: 'X' }), notFound('thing') and INVALID_FIELD. */
function raisedReasons(): Set<string> {
  const reasons = new Set([INVALID_FIELD]);
  const sources = readdirSync(servicesDir, { recursive: true, encoding: 'utf8' }).filter((path) => /^[a-z]+\/src\/.*\.ts$/.test(path));
  for (const path of sources) {
    const text = readFileSync(join(servicesDir, path), 'utf8');
    for (const [, reason = ''] of text.matchAll(/reason: '([A-Z_]+)'/g)) reasons.add(reason);
    for (const [, resource = ''] of text.matchAll(/notFound\('([a-z ]+)'/g)) reasons.add(`${resource.replace(/ /g, '_').toUpperCase()}_NOT_FOUND`);
  }
  return reasons;
}

describe('kit: error reasons', () => {
  const declared = Object.keys(ErrorReason).filter((name) => Number.isNaN(Number(name)) && !['ERROR_REASON_UNSPECIFIED', 'UNRECOGNIZED'].includes(name));
  const raised = raisedReasons();

  it('every reason the services raise is declared in bookstore.errors.v1.ErrorReason', () => {
    expect(raised.size).to.be.greaterThan(10);
    expect(declared).to.include.members([...raised]);
  });

  it('every declared reason is raised somewhere (none left behind)', () => {
    expect([...raised]).to.include.members(declared);
  });
});
