import { DomainException, ErrorCode } from '@streamgate/contracts';
import { Injectable } from '@nestjs/common';
import type { UsageReportRow } from '@streamgate/contracts';
import { localDateTime, toCsv } from '../billing';
import type { Reader } from '../auth/finance-auth.service';
import type { UsageQuery } from './usage-query';
import { UsageRowsRepository } from './usage-rows.repository';

export type UsageRow = UsageReportRow;


export const CSV_HEADER = [
  'partnerId',
  'partnerName',
  'stream',
  'timezone',
  'periodStartLocal',
  'periodEndLocal',
  'periodStartUtc',
  'periodEndUtc',
  'recordsDelivered',
  'bytesDelivered',
  'recordsPublished',
  'recordsReplayed',
  'connectionMinutes',
];

/**
 * Usage reports from the minute aggregates. Periods are cut in each partner's time zone (or
 * `tz`): PostgreSQL truncates the local wall time and converts both bounds back to instants, so
 * a day across a DST change is 23 or 25 hours long, as it should.
 */
@Injectable()
export class ReportsService {
  constructor(private readonly usageRows: UsageRowsRepository) {}

  async usage(query: UsageQuery, reader: Reader): Promise<UsageRow[]> {
    return (await this.rows(query, reader)).map(({ row }) => row);
  }

  async usageCsv(query: UsageQuery, reader: Reader): Promise<string> {
    const rows = await this.rows(query, reader);
    return toCsv(
      CSV_HEADER,
      rows.map(({ row, tz }) => [
        row.partnerId,
        row.partnerName,
        row.stream,
        tz,
        localDateTime(new Date(row.periodStart), tz),
        localDateTime(new Date(row.periodEnd), tz),
        row.periodStart,
        row.periodEnd,
        row.recordsDelivered,
        row.bytesDelivered,
        row.recordsPublished,
        row.recordsReplayed,
        row.connectionMinutes,
      ]),
    );
  }

  private async rows(query: UsageQuery, reader: Reader): Promise<Array<{ row: UsageRow; tz: string }>> {
    let partner = query.partner;
    if (reader.kind === 'partner') {
      if (partner !== undefined && partner !== reader.partnerId) throw new DomainException(ErrorCode.Forbidden, 'a partner key reads only its own usage');
      partner = reader.partnerId;
    }
    return this.usageRows.query(query, partner ?? null);
  }
}
