import { existsSync, readFileSync } from 'node:fs';
import { localDir } from '@streamgate/dev-stack';

/** GET on the metering API with FINANCE_TOKEN (or the dev token `npm start` generated). */
export async function financeGet(path: string): Promise<{ status: number; text: string }> {
  const base = process.env.METERING_URL ?? 'http://127.0.0.1:3004';
  const tokens = localDir('dev-tokens.json');
  const token = process.env.FINANCE_TOKEN ?? (existsSync(tokens) ? (JSON.parse(readFileSync(tokens, 'utf8')) as { FINANCE_TOKEN?: string }).FINANCE_TOKEN : undefined);
  if (!token) throw new Error('set FINANCE_TOKEN (npm start prints it) and METERING_URL');
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

export function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

export function fail(error: Error): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
