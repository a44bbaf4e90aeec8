import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox of the control topics: a change writes its control records here in
 * its own transaction; the relay publishes committed rows to Kafka in id order and deletes them.
 * `value` is the record's JSON text, NULL for a tombstone.
 */
export class CreateControlOutbox1764600000000 implements MigrationInterface {
  name = 'CreateControlOutbox1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE control_outbox (
        id          bigserial PRIMARY KEY,
        topic       text NOT NULL,
        key         text NOT NULL,
        value       text,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE control_outbox');
  }
}
