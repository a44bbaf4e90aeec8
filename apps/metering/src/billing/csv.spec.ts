import { CsvError, toCsv } from './csv';

// A strict RFC 4180 reader, to check that what we write reads back field for field.
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          field += text[i];
          i += 1;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        field += text[i];
        i += 1;
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else {
      throw new Error(`expected , or CRLF at ${i}`);
    }
  }
  if (row.length > 0) throw new Error('missing final CRLF');
  return rows;
}

function csvError(run: () => unknown): CsvError {
  try {
    run();
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('expected a CsvError');
}

describe('toCsv', () => {
  it('writes the header, then rows, each ending with CRLF', () => {
    expect(toCsv(['partner', 'period', 'amount'], [['acme', '2026-11', '31.25'], ['globex', '2026-11', '0.00']])).toBe(
      'partner,period,amount\r\nacme,2026-11,31.25\r\nglobex,2026-11,0.00\r\n',
    );
  });

  it('writes only the header when there are no rows', () => {
    expect(toCsv(['a', 'b'], [])).toBe('a,b\r\n');
  });

  it('writes null as an empty field', () => {
    expect(toCsv(['a', 'b', 'c'], [[null, 'x', null]])).toBe('a,b,c\r\n,x,\r\n');
  });

  it('writes numbers and bigints with toString', () => {
    expect(toCsv(['n', 'big', 'neg', 'frac', 'zero'], [[3125, 10n ** 20n, -5, 0.5, -0]])).toBe('n,big,neg,frac,zero\r\n3125,100000000000000000000,-5,0.5,0\r\n');
  });

  it('never prefixes numbers or bigints, even negative ones', () => {
    expect(toCsv(['a', 'b'], [[-42, -42n]])).toBe('a,b\r\n-42,-42\r\n');
  });

  describe('quoting', () => {
    it.each([
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['"', '""""'],
      ['line1\nline2', '"line1\nline2"'],
      ['line1\r\nline2', '"line1\r\nline2"'],
      ['trailing\r', '"trailing\r"'],
      ['plain', 'plain'],
      [' spaced ', ' spaced '],
      ["it's", "it's"],
      ['émoji 🎉 ünïcode', 'émoji 🎉 ünïcode'],
      ['semi;colon', 'semi;colon'],
    ])('%j → %j', (value, field) => {
      expect(toCsv(['h', 'x'], [[value, 'x']])).toBe(`h,x\r\n${field},x\r\n`);
    });

    it('quotes header fields too', () => {
      expect(toCsv(['amount, EUR', 'x'], [])).toBe('"amount, EUR",x\r\n');
    });

    it('quotes a lone empty field so the row is not a blank line', () => {
      expect(toCsv(['only'], [[''], [null], ['x']])).toBe('only\r\n""\r\n""\r\nx\r\n');
      expect(parseCsv(toCsv(['only'], [[''], ['x']]))).toEqual([['only'], [''], ['x']]);
    });
  });

  describe('formula injection', () => {
    it.each([
      ['=1+1', "'=1+1"],
      ['=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'],
      ['+cmd', "'+cmd"],
      ['-2+3', "'-2+3"],
      ['-cmd|" /C calc"!A0', '"\'-cmd|"" /C calc""!A0"'],
      ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
      ['\t=1', "'\t=1"],
      ['\r=1', '"\'\r=1"'],
      ['=a,b', '"\'=a,b"'],
      ['-', "'-"],
      ['+', "'+"],
      ['-1e5', "'-1e5"],
      ['-.5', "'-.5"],
    ])('%j → %j', (value, field) => {
      expect(toCsv(['h'], [[value]])).toBe(`h\r\n${field}\r\n`);
    });

    it('guards header fields too', () => {
      expect(toCsv(['=cmd', 'ok'], [])).toBe("'=cmd,ok\r\n");
    });

    it.each(['-12.50', '-5', '+5', '-0.05', '+0.01'])('leaves the plain number %j alone', (value) => {
      expect(toCsv(['h'], [[value]])).toBe(`h\r\n${value}\r\n`);
    });

    it.each(['a=1', ' =1', '1-2', 'x@example.com', "'already"])('leaves %j alone (not at the start)', (value) => {
      expect(toCsv(['h'], [[value]])).toBe(`h\r\n${value}\r\n`);
    });
  });

  it('reads back field for field with an RFC 4180 reader', () => {
    const header = ['kind', 'description', 'quantity', 'amount', 'note'];
    const rows = [
      ['records', 'Records delivered and replayed beyond 1,000,000 included', 2_500_000n, 3125, null],
      ['adjustment-records', 'Adjustment for 2026-10 (stream "orders"): records delivered', 400n, 1, 'multi\r\nline'],
      ['bytes', 'Bytes, per GB', 0n, 0, ''],
    ];
    expect(parseCsv(toCsv(header, rows))).toEqual([
      header,
      ['records', 'Records delivered and replayed beyond 1,000,000 included', '2500000', '3125', ''],
      ['adjustment-records', 'Adjustment for 2026-10 (stream "orders"): records delivered', '400', '1', 'multi\r\nline'],
      ['bytes', 'Bytes, per GB', '0', '0', ''],
    ]);
  });

  describe('refuses what it cannot write faithfully', () => {
    it('an empty header', () => {
      expect(csvError(() => toCsv([], [])).message).toBe('header must have at least one column');
    });

    it('rows of the wrong width', () => {
      expect(csvError(() => toCsv(['a', 'b'], [['1', '2'], ['1']])).message).toBe('row 2 has 1 fields, the header has 2');
      expect(csvError(() => toCsv(['a'], [['1', '2']])).message).toBe('row 1 has 2 fields, the header has 1');
    });

    it('a row that is not an array', () => {
      expect(csvError(() => toCsv(['a'], ['x' as unknown as string[]])).message).toBe('row 1 has no fields, the header has 1');
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('the number %p', (value) => {
      expect(csvError(() => toCsv(['a', 'b'], [['x', value]])).message).toBe(`row 1, column 2: ${value} is not a finite number`);
    });

    it.each([undefined, true, {}, Symbol('s')])('the value %p', (value) => {
      expect(csvError(() => toCsv(['a'], [[value as unknown as string]])).message).toBe(`row 1, column 1: unsupported value of type ${typeof value}`);
    });
  });
});
