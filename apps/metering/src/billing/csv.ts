// RFC 4180 CSV for finance exports, hardened against formula injection: spreadsheets run a cell
// that starts with =, +, -, @ (or tab/CR, which some strip first) as a formula.

/** A row or value the CSV cannot represent faithfully. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

export type CsvValue = string | number | bigint | null;

const FORMULA_PREFIX = /^[=+\-@\t\r]/;
// Plain numbers in text ("-12.50") are data, not formulas: spreadsheets read them as numbers.
const NUMERIC_TEXT = /^[+-]?\d+(?:\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

function text(value: CsvValue, position: string): string {
  if (value === null) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CsvError(`${position}: ${value} is not a finite number`);
    return value.toString();
  }
  if (typeof value !== 'string') throw new CsvError(`${position}: unsupported value of type ${typeof value}`);
  return FORMULA_PREFIX.test(value) && !NUMERIC_TEXT.test(value) ? `'${value}` : value;
}

function line(values: CsvValue[], position: string): string {
  const fields = values.map((value, index) => {
    const field = text(value, `${position}, column ${index + 1}`);
    return NEEDS_QUOTES.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
  });
  // A lone empty field would be a blank line, which readers skip: quote it.
  return fields.length === 1 && fields[0] === '' ? '""' : fields.join(',');
}

/**
 * RFC 4180 text: header then rows, comma-separated, CRLF after every line (including the last).
 * null → empty field; numbers and bigints via toString (never prefixed); text starting with
 * =, +, -, @, tab or CR gets a leading "'" unless it is a plain decimal number such as "-12.50".
 * Every row must have as many fields as the header.
 */
export function toCsv(header: string[], rows: Array<Array<string | number | bigint | null>>): string {
  if (!Array.isArray(header) || header.length === 0) throw new CsvError('header must have at least one column');
  const out = [line(header, 'header')];
  rows.forEach((row, index) => {
    if (!Array.isArray(row) || row.length !== header.length) {
      throw new CsvError(`row ${index + 1} has ${Array.isArray(row) ? row.length : 'no'} fields, the header has ${header.length}`);
    }
    out.push(line(row, `row ${index + 1}`));
  });
  return out.map((l) => `${l}\r\n`).join('');
}
