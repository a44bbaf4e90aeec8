import { ConfigError, loadConfig } from './env-spec';
import { bool, duration, hostList, int, parseDuration, port, str } from './env-vars';
import { checkKafkaEnv, kafkaEnv } from './common-env';

const spec = {
  PORT: port(3001),
  ADMIN_TOKEN: str({ minLength: 16, description: 'admin token' }),
  KAFKA_BROKERS: hostList({ default: ['127.0.0.1:9092'], description: 'brokers' }),
  LIMIT: int({ default: 10, min: 1, max: 100, description: 'a limit' }),
  TLS: bool({ default: false, description: 'tls' }),
  WINDOW: duration({ default: 600_000, description: 'a window' }),
};

describe('loadConfig', () => {
  it('applies defaults for unset variables and parses set ones', () => {
    const config = loadConfig(spec, { ADMIN_TOKEN: 'a'.repeat(16), LIMIT: '42', TLS: 'true', WINDOW: '30s' });
    expect(config).toEqual({
      PORT: 3001,
      ADMIN_TOKEN: 'a'.repeat(16),
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      LIMIT: 42,
      TLS: true,
      WINDOW: 30_000,
    });
  });

  it('names every bad or missing variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(spec, { PORT: 'eighty', KAFKA_BROKERS: 'nohost', LIMIT: '0', TLS: 'maybe', WINDOW: '10 minutes' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error?.problems.join('\n') ?? '';
    for (const name of ['PORT', 'ADMIN_TOKEN', 'KAFKA_BROKERS', 'LIMIT', 'TLS', 'WINDOW']) expect(text).toContain(name);
    expect(error?.problems).toHaveLength(6);
  });

  it('never echoes a secret value in its errors', () => {
    expect(() => loadConfig(spec, { ADMIN_TOKEN: 'short-secret' })).toThrow(/ADMIN_TOKEN=<redacted> is invalid: must be at least 16 characters/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(spec, { ADMIN_TOKEN: 'b'.repeat(16), LIMIT: '' }).LIMIT).toBe(10);
  });

  it('runs cross-variable checks after every variable parsed', () => {
    expect(() => loadConfig(kafkaEnv, { KAFKA_SASL_MECHANISM: 'plain' }, [checkKafkaEnv])).toThrow(
      /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/,
    );
    expect(() => loadConfig(kafkaEnv, { KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/must be one of plain, scram-sha-256, scram-sha-512/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['250', 250],
    ['250ms', 250],
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ])('reads %s as %d ms', (raw, ms) => expect(parseDuration(raw)).toBe(ms));

  it.each(['', '-1s', '1.5s', '10 minutes', 's'])('refuses %j', (raw) => expect(() => parseDuration(raw)).toThrow(/duration/));
});
