// `npm run invoices -- --period 2026-11 [--format json|text]`: the month's invoices (open
// estimates or final) from the metering API.
import { fail, financeGet, option } from './finance-client';

interface Line {
  description: string;
  quantity: string;
  amountCents: number;
}
interface Invoice {
  partnerId: string;
  partnerName: string;
  status: string;
  currency: string;
  plan: { id: string } | null;
  lines: Line[];
  subtotalCents: number;
  minimumTopUpCents: number;
  totalCents: number;
}

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const period = option(args, 'period');
  if (!period) throw new Error('--period YYYY-MM is required');
  const res = await financeGet(`/v1/invoices?period=${encodeURIComponent(period)}`);
  if (res.status !== 200) throw new Error(`metering answered ${res.status}: ${res.text}`);
  const invoices = JSON.parse(res.text) as Invoice[];
  if ((option(args, 'format') ?? 'text') === 'json') return void process.stdout.write(`${JSON.stringify(invoices, null, 2)}\n`);
  for (const invoice of invoices) {
    console.log(`${invoice.partnerName} (${invoice.partnerId}) — ${period} — ${invoice.status} — plan ${invoice.plan?.id ?? 'none'}`);
    for (const line of invoice.lines) console.log(`  ${line.description.padEnd(70)} ${line.quantity.padStart(14)} ${money(line.amountCents, invoice.currency).padStart(14)}`);
    console.log(`  ${'subtotal'.padEnd(85)} ${money(invoice.subtotalCents, invoice.currency).padStart(14)}`);
    if (invoice.minimumTopUpCents > 0) console.log(`  ${'minimum top-up'.padEnd(85)} ${money(invoice.minimumTopUpCents, invoice.currency).padStart(14)}`);
    console.log(`  ${'total'.padEnd(85)} ${money(invoice.totalCents, invoice.currency).padStart(14)}\n`);
  }
}

main().catch(fail);
