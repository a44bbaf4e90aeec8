import { duplicateIds, subscriberGaps } from './chaos-helpers';

describe('chaos summary helpers', () => {
  it('lists each repeated id once', () => {
    expect(duplicateIds(['a', 'b', 'a', 'c', 'a', 'b'])).toEqual(['a', 'b']);
    expect(duplicateIds([])).toEqual([]);
  });

  it('finds the runs of offsets the subscriber never received, with the arrivals around them', () => {
    const enriched = [0, 1, 2, 3, 4, 5].map((offset) => ({ id: `r${offset}`, partition: 1, offset }))
      .concat([{ id: 'x', partition: 0, offset: 7 }]);
    const received = [
      { pos: '1:0', at: 1 },
      { pos: '1:3', at: 4 },
      { pos: '0:7', at: 2 },
    ];
    expect(subscriberGaps(enriched, received)).toEqual([
      { partition: 1, from: 1, to: 2, lastBeforeAt: 1, firstAfterAt: 4 },
      { partition: 1, from: 4, to: 5, lastBeforeAt: 4 },
    ]);
  });
});
