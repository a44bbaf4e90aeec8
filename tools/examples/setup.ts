// `npm run example:setup -- <stream>`: on a running `npm start`, defines the stream, a partner
// with a key (subscribe + publish) and a full entitlement, and saves the key for the other
// examples in .local/example-key. Idempotent enough for a demo: an existing stream is kept.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { localDir } from '@streamgate/dev-stack';

async function main(): Promise<void> {
  const stream = process.argv[2] ?? 'demo';
  const base = process.env.ACCESS_CONTROL_URL ?? 'http://127.0.0.1:3003';
  const tokens = localDir('dev-tokens.json');
  const adminToken = process.env.ADMIN_TOKEN ?? (existsSync(tokens) ? (JSON.parse(readFileSync(tokens, 'utf8')) as { ADMIN_TOKEN: string }).ADMIN_TOKEN : undefined);
  if (!adminToken) throw new Error('set ADMIN_TOKEN (npm start prints it)');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as T };
  };
  const created = await call('POST', '/v1/streams', { name: stream });
  if (created.status !== 201 && created.status !== 409) throw new Error(`stream: ${JSON.stringify(created.body)}`);
  const partner = await call<{ id: string }>('POST', '/v1/partners', { name: `Example partner for ${stream}` });
  const key = await call<{ key: string }>('POST', `/v1/partners/${partner.body.id}/keys`, { scopes: ['subscribe', 'publish'] });
  await call('PUT', `/v1/partners/${partner.body.id}/entitlements/${stream}`, {});
  writeFileSync(localDir('example-key'), key.body.key, { mode: 0o600 });
  console.log(`stream ${stream} ready; partner ${partner.body.id}; API key saved in .local/example-key:\n${key.body.key}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
