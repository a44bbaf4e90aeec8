import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UsageReportRow } from '@streamgate/contracts';
import type { UsageQuery } from './usage-query';

interface SqlRow {
  partner_id: string;
  partner_name: string | null;
  stream: string;
  tz: string;
  period_start: Date;
  period_end: Date;
  records_delivered: string;
  bytes_delivered: string;
  records_published: string;
  records_replayed: string;
  connection_seconds: string;
}

/** Usage rows per partner, stream and period from the minute aggregates, cut in each row's time zone. */
@Injectable()
export class UsageRowsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** `partner`: only this partner's rows (null: every partner). */
  async query(query: UsageQuery, partner: string | null): Promise<Array<{ row: UsageReportRow; tz: string }>> {
    const rows: SqlRow[] = await this.dataSource.query(
      `WITH src AS (
         SELECT u.*, p.name AS partner_name, COALESCE($5::text, p.timezone, 'UTC') AS tz
         FROM usage_minute u LEFT JOIN partner_directory p ON p.id = u.partner_id
         WHERE u.minute >= $1 AND u.minute < $2
           AND ($3::text IS NULL OR u.partner_id = $3) AND ($4::text IS NULL OR u.stream = $4)
       ), periods AS (
         SELECT *, date_trunc($6, minute AT TIME ZONE tz) AS local_start FROM src
         WHERE $7::int IS NULL
            OR (minute >= make_timestamp($7, $8, 1, 0, 0, 0) AT TIME ZONE tz
                AND minute < (make_timestamp($7, $8, 1, 0, 0, 0) + interval '1 month') AT TIME ZONE tz)
       )
       SELECT partner_id, max(partner_name) AS partner_name, stream, tz,
              local_start AT TIME ZONE tz AS period_start,
              (local_start + ('1 ' || $6)::interval) AT TIME ZONE tz AS period_end,
              sum(records_delivered)::text AS records_delivered, sum(bytes_delivered)::text AS bytes_delivered,
              sum(records_published)::text AS records_published, sum(records_replayed)::text AS records_replayed,
              sum(connection_seconds)::text AS connection_seconds
       FROM periods GROUP BY partner_id, stream, tz, local_start
       ORDER BY partner_id, stream, local_start`,
      [query.from.toISOString(), query.to.toISOString(), partner, query.stream ?? null, query.tz ?? null, query.granularity, query.period?.year ?? null, query.period?.month ?? null],
    );
    return rows.map((r) => ({
      tz: r.tz,
      row: {
        partnerId: r.partner_id,
        partnerName: r.partner_name ?? r.partner_id,
        stream: r.stream === '' ? null : r.stream,
        periodStart: r.period_start.toISOString(),
        periodEnd: r.period_end.toISOString(),
        recordsDelivered: Number(r.records_delivered),
        bytesDelivered: Number(r.bytes_delivered),
        recordsPublished: Number(r.records_published),
        recordsReplayed: Number(r.records_replayed),
        connectionMinutes: Math.round((Number(r.connection_seconds) / 60) * 1000) / 1000,
      },
    }));
  }
}
