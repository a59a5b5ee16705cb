import { join } from 'node:path';
import { rotateSigningKeys } from './signing-keys.js';
import { staffClients } from './staff-clients.js';

/**
 * The key material of the cluster's auth-keys Secret, written into a folder:
 * `node --import tsx services/auth/src/key-material.ts <folder>`. Run again on the same folder, it
 * rotates: a new signing key in front, the previous one kept published; the staff secrets stay.
 */
const [folder] = process.argv.slice(2);
if (folder === undefined || folder === '') {
  process.stderr.write('usage: node --import tsx services/auth/src/key-material.ts <folder>\n');
  process.exit(2);
}
const keys = await rotateSigningKeys(join(folder, 'signing-keys.json'), 2);
staffClients(join(folder, 'staff-clients.json'));
process.stdout.write(`${folder}: signing keys ${keys.map((key) => key.kid).join(', ')} (newest first) and the staff clients' secrets\n`);
