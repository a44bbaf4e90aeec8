import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reference tables for lookups, partners and their API keys (hashes only). */
export class CreateCatalogAndPartners1764400000000 implements MigrationInterface {
  name = 'CreateCatalogAndPartners1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reference_rows (
        table_name  text NOT NULL,
        key         text NOT NULL,
        row         jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (table_name, key)
      )`);
    await queryRunner.query(`
      CREATE TABLE partners (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        plan        text,
        timezone    text NOT NULL DEFAULT 'UTC',
        status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id            text PRIMARY KEY,
        partner_id    text NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
        hash          text NOT NULL,
        prefix        text NOT NULL,
        scopes        text[] NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_used_at  timestamptz,
        revoked_at    timestamptz
      )`);
    await queryRunner.query('CREATE INDEX api_keys_partner ON api_keys (partner_id)');
    await queryRunner.query(`CREATE UNIQUE INDEX streams_source_topic ON streams ((definition->'source'->>'topic'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX streams_source_topic');
    await queryRunner.query('DROP TABLE api_keys');
    await queryRunner.query('DROP TABLE partners');
    await queryRunner.query('DROP TABLE reference_rows');
  }
}
