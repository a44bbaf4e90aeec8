import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The stream catalog: one row per stream definition, versioned for replication. */
export class CreateStreams1764300000000 implements MigrationInterface {
  name = 'CreateStreams1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE streams (
        name        text PRIMARY KEY,
        definition  jsonb NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE streams');
  }
}
