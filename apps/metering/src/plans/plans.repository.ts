import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface Plan {
  id: string;
  name: string;
  currency: string;
  pricePerMillionRecords: string;
  pricePerGb: string;
  includedRecords: number;
  monthlyMinimumCents: number;
  softLimitRecords: number | null;
  hardLimitRecords: number | null;
  maxConnections: number | null;
  replayRecordsPerSecond: number | null;
}

const COLUMNS = `id, name, currency, price_per_million_records AS "pricePerMillionRecords", price_per_gb AS "pricePerGb",
  included_records::float8 AS "includedRecords", monthly_minimum_cents::float8 AS "monthlyMinimumCents",
  soft_limit_records::float8 AS "softLimitRecords", hard_limit_records::float8 AS "hardLimitRecords",
  max_connections AS "maxConnections", replay_records_per_second AS "replayRecordsPerSecond"`;

@Injectable()
export class PlansRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<Plan[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM plans ORDER BY id`);
  }

  async get(id: string): Promise<Plan | undefined> {
    const [plan] = await this.dataSource.query(`SELECT ${COLUMNS} FROM plans WHERE id = $1`, [id]);
    return plan as Plan | undefined;
  }

  /** Inserts, or replaces when `replace`; returns false when the insert met an existing id. */
  async save(plan: Plan, replace: boolean): Promise<boolean> {
    const values = [plan.id, plan.name, plan.currency, plan.pricePerMillionRecords, plan.pricePerGb, plan.includedRecords, plan.monthlyMinimumCents, plan.softLimitRecords, plan.hardLimitRecords, plan.maxConnections, plan.replayRecordsPerSecond];
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO plans (id, name, currency, price_per_million_records, price_per_gb, included_records, monthly_minimum_cents, soft_limit_records, hard_limit_records, max_connections, replay_records_per_second)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO ${replace ? `UPDATE SET name = EXCLUDED.name, currency = EXCLUDED.currency, price_per_million_records = EXCLUDED.price_per_million_records,
         price_per_gb = EXCLUDED.price_per_gb, included_records = EXCLUDED.included_records, monthly_minimum_cents = EXCLUDED.monthly_minimum_cents,
         soft_limit_records = EXCLUDED.soft_limit_records, hard_limit_records = EXCLUDED.hard_limit_records, max_connections = EXCLUDED.max_connections,
         replay_records_per_second = EXCLUDED.replay_records_per_second, updated_at = now()` : 'NOTHING'}
       RETURNING id`,
      values,
    );
    return rows.length > 0;
  }
}
