import { publishUsageId } from './publish.service';

describe('publishUsageId', () => {
  it('is deterministic and tells partners, streams and id lists apart', () => {
    const base = publishUsageId('p1', 'trades', ['1', '2', '3']);
    expect(publishUsageId('p1', 'trades', ['1', '2', '3'])).toBe(base);
    expect(publishUsageId('p2', 'trades', ['1', '2', '3'])).not.toBe(base);
    expect(publishUsageId('p1', 'quotes', ['1', '2', '3'])).not.toBe(base);
    expect(publishUsageId('p1', 'trades', ['a\nb'])).not.toBe(publishUsageId('p1', 'trades', ['a', 'b']));
  });
});
