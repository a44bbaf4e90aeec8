import fc from 'fast-check';
import { UnsupportedPatternError, compileLinearRegExp } from './linear-regexp';

const natives = new Map<string, RegExp>();
const native = (pattern: string, input: string) => (natives.get(pattern) ?? natives.set(pattern, new RegExp(pattern, 'u')).get(pattern)!).test(input);

describe('compileLinearRegExp', () => {
  it('runs the catastrophic pattern of issue 13 in linear time (V8: 626 ms at 27 characters, doubling per character)', () => {
    const attack = compileLinearRegExp('^(a+)+$');
    const started = process.hrtime.bigint();
    expect(attack.test(`${'a'.repeat(26)}!`)).toBe(false);
    expect(attack.test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(attack.test('a'.repeat(100_000))).toBe(true);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it('keeps quadratic patterns linear too (an email pattern V8 needs 1.4 s for on 20,000 dots)', () => {
    const email = compileLinearRegExp('^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$');
    const started = process.hrtime.bigint();
    expect(email.test(`a@${'.'.repeat(20_000)} `)).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
    expect(email.test('someone@example.com')).toBe(true);
  });

  // Each pattern against strings chosen to hit the places where RE2's syntax differs from ECMA-262's.
  const patterns = [
    '^[A-Z]{1,5}$',
    '^\\d{4}-\\d{2}-\\d{2}$',
    '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
    '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
    '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$',
    '^([a-z0-9-]+\\.)+[a-z]{2,}$',
    '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$',
    '^.$',
    'a.c',
    '^\\s+$',
    '^\\S+$',
    '^[\\s\\S]$',
    '^[^\\s]$',
    '\\u00e9',
    '^\\u{1F600}$',
    '^\\uD83D\\uDE00$',
    '^\\p{L}+$',
    '^[\\p{Lu}\\d]+$',
    '^\\cJ$',
    '^\\0$',
    '^[]$',
    'a[]',
    '^[^]$',
    '^[[]$',
    '^[\\b]$',
    '\\bword\\b',
    '^(?<year>\\d{4})-(?<month>\\d{2})$',
    '^\\/path\\/[\\w-]*$',
    '^[\\^\\]\\\\-]+$',
    '^\\x41\\.$',
    'x*?y',
    '^(?:ab|cd){2,3}$',
    '^$',
    '',
  ];
  const inputs = ['', 'A', 'ACME', 'TOOLONG', '2026-12-02', '2026-12-02T10:00:00.5+01:00', 'someone@example.com', 'a@b', 'x@y.z', 'api.example.co', '123e4567-e89b-12d3-a456-426614174000', '1.2.3', '1.2.3-rc.1', '01.2.3', '\n', '\r', '\u2028', 'é', '😀', '\uD83D', 'abc', 'a\nc', ' \t', '\u00a0', '\ufeff', '\u3000', 'x', ' x', '[', '\b', 'a word here', 'swordfish', '2026-12', '/path/a-b', '^]\\-', 'A.', 'xxy', 'abcd', 'abcdab', 'ÉCOLE9', '\0'];

  it.each(patterns)('matches %j exactly as ECMA-262 does', (pattern) => {
    const linear = compileLinearRegExp(pattern);
    expect(inputs.filter((input) => linear.test(input) !== native(pattern, input))).toEqual([]);
  });

  it('agrees with ECMA-262 on random strings (fixed seed)', () => {
    const compiled = patterns.map((p) => [p, compileLinearRegExp(p)] as const);
    const chars = fc.constantFrom(...'aAbcdwxyz019.-_@ \t\n\r\u00a0\u2028é😀[]/\\^');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 24 }).map((c) => c.join('')), (input) => {
        const differ = compiled.filter(([pattern, linear]) => linear.test(input) !== native(pattern, input)).map(([pattern]) => pattern);
        expect(differ).toEqual([]);
      }),
      { seed: 13, numRuns: 2_000 },
    );
  });

  it.each([
    ['(?=x)', /lookahead and lookbehind/],
    ['^(?!admin)\\w+$', /lookahead and lookbehind/],
    ['(?<=\\$)\\d+', /lookahead and lookbehind/],
    ['(?<!x)y', /lookahead and lookbehind/],
    ['^(a)\\1$', /backreferences/],
    ['^(?<q>["\'])\\w*\\k<q>$', /backreferences/],
    ['^(a', /not a valid ECMA-262 regular expression/],
    ['\\q', /not a valid ECMA-262 regular expression/],
    ['a{1001}', /outside what the linear-time engine \(RE2\) accepts: .*repeat/],
    ['((a{100}){100}){100}', /outside what the linear-time engine \(RE2\) accepts/],
  ])('refuses %j with a reason', (pattern, reason) => {
    expect(() => compileLinearRegExp(pattern)).toThrow(UnsupportedPatternError);
    expect(() => compileLinearRegExp(pattern)).toThrow(reason);
  });
});
