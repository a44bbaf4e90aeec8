// `npm run usage -- --period 2026-11 [--partner id] [--stream s] [--granularity day] --format csv|json`:
// the month's usage per partner (in each partner's time zone) from the metering API.
import { fail, financeGet, option } from './finance-client';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const period = option(args, 'period');
  if (!period) throw new Error('--period YYYY-MM is required');
  const format = option(args, 'format') ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new Error('--format is csv or json');
  const query = new URLSearchParams({ period, granularity: option(args, 'granularity') ?? 'month' });
  for (const name of ['partner', 'stream', 'tz']) {
    const value = option(args, name);
    if (value) query.set(name, value);
  }
  const res = await financeGet(`/v1/usage${format === 'csv' ? '.csv' : ''}?${query}`);
  if (res.status !== 200) throw new Error(`metering answered ${res.status}: ${res.text}`);
  process.stdout.write(format === 'json' ? `${JSON.stringify(JSON.parse(res.text), null, 2)}\n` : res.text);
}

main().catch(fail);
