// `npm run -s secrets`: random values for every secret, as env lines the apps accept (a `.env`
// for docker compose, or values for a secret manager).
// `npm run -s secrets -- signing-key`: a new TOKEN_SIGNING_KEY and its TOKEN_VERIFY_KEYS entry (rotation).
// `TOKEN_SIGNING_KEY=… npm run -s secrets -- verify-key`: the TOKEN_VERIFY_KEYS entry of that seed.
// Needs only production dependencies, so the image runs it too: `node tools/dist/stack/secrets.js`.
import { randomBytes } from 'node:crypto';
import { generateTokenSeed, signingKey } from '@streamgate/auth';

const random = () => randomBytes(32).toString('base64url');

function signingLines(seed: string): string[] {
  return [`TOKEN_SIGNING_KEY=${seed}`, `TOKEN_VERIFY_KEYS=${signingKey(seed).verifyEntry}`];
}

function main(command = 'all'): string[] {
  switch (command) {
    case 'all':
      return [
        `ADMIN_TOKEN=${random()}`,
        `FINANCE_TOKEN=${random()}`,
        `REDACT_HASH_KEY=${random()}`,
        ...signingLines(generateTokenSeed()),
        `POSTGRES_PASSWORD=${random()}`,
      ];
    case 'signing-key':
      return signingLines(generateTokenSeed());
    case 'verify-key': {
      const seed = process.env.TOKEN_SIGNING_KEY;
      if (!seed) throw new Error('set TOKEN_SIGNING_KEY to the seed whose public key you want');
      return [signingKey(seed).verifyEntry];
    }
    default:
      throw new Error(`unknown command ${command}: use all, signing-key or verify-key`);
  }
}

try {
  console.log(main(process.argv[2]).join('\n'));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
