import { kafkaClusterId } from './kafka-broker';

describe('kafkaClusterId', () => {
  it('makes 22-character base64url ids that never start with "-" (the storage tool would read one as an option)', () => {
    const ids = Array.from({ length: 10_000 }, kafkaClusterId);
    expect(ids.filter((id) => !/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
