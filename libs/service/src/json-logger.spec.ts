import { rememberSecret } from '@streamgate/config';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  it('writes one JSON line per message with URL passwords and secret values masked', () => {
    rememberSecret('json-logger-token-0123456789');
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const logger = new JsonLogger('ingest');
      logger.log({ msg: 'connecting', url: 'postgres://app:Hunter2Pass@db:5432/x', token: 'json-logger-token-0123456789' });
      logger.warn('retrying postgres://app:Hunter2Pass@db/x');
      const lines = write.mock.calls.map((call) => String(call[0]));
      expect(lines).toHaveLength(2);
      expect(lines.join('')).not.toMatch(/Hunter2Pass|json-logger-token/);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'log', context: 'ingest', message: { url: 'postgres://app:***@db:5432/x', token: '***' } });
      expect(JSON.parse(lines[1] as string)).toMatchObject({ level: 'warn', message: 'retrying postgres://app:***@db/x' });
    } finally {
      write.mockRestore();
    }
  });
});
