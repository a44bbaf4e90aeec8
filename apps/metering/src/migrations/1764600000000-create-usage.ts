import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage aggregates per (partner, stream, minute), the ids of the events counted (idempotence),
 * late usage booked as adjustments, plans, closed periods with their frozen invoices, and the
 * partners learned from control.partners.
 */
export class CreateUsage1764600000000 implements MigrationInterface {
  name = 'CreateUsage1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE usage_minute (
        partner_id          text NOT NULL,
        stream              text NOT NULL DEFAULT '',
        minute              timestamptz NOT NULL,
        records_delivered   bigint NOT NULL DEFAULT 0,
        bytes_delivered     bigint NOT NULL DEFAULT 0,
        records_published   bigint NOT NULL DEFAULT 0,
        bytes_published     bigint NOT NULL DEFAULT 0,
        records_replayed    bigint NOT NULL DEFAULT 0,
        connection_seconds  numeric(20, 3) NOT NULL DEFAULT 0,
        peak_connections    integer NOT NULL DEFAULT 0,
        PRIMARY KEY (partner_id, stream, minute)
      )`);
    await q.query('CREATE INDEX usage_minute_minute ON usage_minute (minute)');
    await q.query(`CREATE TABLE usage_event_ids (id text PRIMARY KEY, counted_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX usage_event_ids_counted_at ON usage_event_ids (counted_at)');
    await q.query(`
      CREATE TABLE usage_adjustments (
        id                  bigserial PRIMARY KEY,
        partner_id          text NOT NULL,
        stream              text NOT NULL DEFAULT '',
        minute              timestamptz NOT NULL,
        original_period     text NOT NULL,
        booked_period       text NOT NULL,
        records_delivered   bigint NOT NULL DEFAULT 0,
        bytes_delivered     bigint NOT NULL DEFAULT 0,
        records_published   bigint NOT NULL DEFAULT 0,
        bytes_published     bigint NOT NULL DEFAULT 0,
        records_replayed    bigint NOT NULL DEFAULT 0,
        connection_seconds  numeric(20, 3) NOT NULL DEFAULT 0,
        event_id            text NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX usage_adjustments_booked ON usage_adjustments (booked_period, partner_id)');
    await q.query(`
      CREATE TABLE partner_directory (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        plan        text,
        timezone    text NOT NULL DEFAULT 'UTC',
        status      text NOT NULL DEFAULT 'active',
        deleted     boolean NOT NULL DEFAULT false,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE plans (
        id                          text PRIMARY KEY,
        name                        text NOT NULL,
        currency                    text NOT NULL DEFAULT 'USD',
        price_per_million_records   text NOT NULL,
        price_per_gb                text NOT NULL,
        included_records            bigint NOT NULL DEFAULT 0,
        monthly_minimum_cents       bigint NOT NULL DEFAULT 0,
        soft_limit_records          bigint,
        hard_limit_records          bigint,
        max_connections             integer,
        replay_records_per_second   integer,
        created_at                  timestamptz NOT NULL DEFAULT now(),
        updated_at                  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TABLE closed_periods (period text PRIMARY KEY, closed_at timestamptz NOT NULL DEFAULT now(), closed_by text NOT NULL)`);
    await q.query(`CREATE TABLE invoices (period text NOT NULL, partner_id text NOT NULL, invoice jsonb NOT NULL, PRIMARY KEY (period, partner_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['invoices', 'closed_periods', 'plans', 'partner_directory', 'usage_adjustments', 'usage_event_ids', 'usage_minute']) await q.query(`DROP TABLE ${table}`);
  }
}
