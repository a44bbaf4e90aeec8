import type { DeliveredRecord } from '@streamgate/contracts';
import { RecentWindow } from './recent-window';

const record = (partition: number, offset: number): DeliveredRecord => ({ stream: 's', pos: `${partition}:${offset}`, id: `${partition}-${offset}`, key: null, time: '', data: {}, meta: {} });

describe('RecentWindow', () => {
  it('serves the records after a position when it reaches back that far', () => {
    const window = new RecentWindow(1_000_000, 60_000);
    for (let offset = 10; offset < 20; offset++) window.append(0, offset, record(0, offset), 10, 0);
    expect(window.since(0, 14)?.map((r) => r.pos)).toEqual(['0:15', '0:16', '0:17', '0:18', '0:19']);
    expect(window.since(0, 9)?.map((r) => r.pos)).toHaveLength(10);
    expect(window.since(0, 19)).toEqual([]);
    expect(window.since(0, 8)).toBeUndefined();
    expect(window.since(1, 0)).toBeUndefined();
    expect(window.earliest(0)).toBe(10);
  });

  it('forgets by age and by bytes, oldest first', () => {
    const window = new RecentWindow(100, 1_000);
    for (let offset = 0; offset < 5; offset++) window.append(0, offset, record(0, offset), 10, offset * 100);
    window.append(1, 0, record(1, 0), 10, 1_200);
    expect(window.earliest(0)).toBe(2);
    for (let offset = 1; offset <= 12; offset++) window.append(1, offset, record(1, offset), 10, 1_250);
    expect(window.bytes).toBeLessThanOrEqual(100);
    expect(window.earliest(0)).toBeUndefined();
    expect(window.earliest(1)).toBe(3);
  });
});
