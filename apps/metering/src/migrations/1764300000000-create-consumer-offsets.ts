import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Kafka offsets of usage.events stored beside the aggregates they produced, so both commit
 * in one transaction (exactly-once into Postgres).
 */
export class CreateConsumerOffsets1764300000000 implements MigrationInterface {
  name = 'CreateConsumerOffsets1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consumer_offsets (
        group_id    text NOT NULL,
        topic       text NOT NULL,
        partition   integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, topic, partition)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE consumer_offsets');
  }
}
