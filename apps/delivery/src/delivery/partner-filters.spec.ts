import { PartnerFilters } from './partner-filters';

describe('PartnerFilters', () => {
  it('bounds distinct filters per partner and stream; repeats and unfiltered subscriptions are free', () => {
    const filters = new PartnerFilters();
    filters.add('p1', 'trades', 'data.a > 1');
    filters.add('p1', 'trades', 'data.b > 1');
    expect(filters.fits('p1', 'trades', 'data.c > 1', 2)).toBe(false);
    expect(filters.fits('p1', 'trades', 'data.a > 1', 2)).toBe(true);
    expect(filters.fits('p1', 'trades', undefined, 2)).toBe(true);
    expect(filters.fits('p1', 'quotes', 'data.c > 1', 2)).toBe(true);
    expect(filters.fits('p2', 'trades', 'data.c > 1', 2)).toBe(true);
  });

  it('frees a filter when its last subscription goes', () => {
    const filters = new PartnerFilters();
    filters.add('p1', 'trades', 'data.a > 1');
    filters.add('p1', 'trades', 'data.a > 1');
    filters.remove('p1', 'trades', 'data.a > 1');
    expect(filters.fits('p1', 'trades', 'data.z > 1', 1)).toBe(false);
    filters.remove('p1', 'trades', 'data.a > 1');
    expect(filters.fits('p1', 'trades', 'data.z > 1', 1)).toBe(true);
  });
});
