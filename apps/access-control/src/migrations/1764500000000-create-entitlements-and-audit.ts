import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Entitlements per (partner, stream) and the audit log of admin changes. */
export class CreateEntitlementsAndAudit1764500000000 implements MigrationInterface {
  name = 'CreateEntitlementsAndAudit1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE entitlements (
        partner_id  text NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
        stream      text NOT NULL,
        policy      jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (partner_id, stream)
      )`);
    await queryRunner.query('CREATE INDEX entitlements_stream ON entitlements (stream)');
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id           bigserial PRIMARY KEY,
        at           timestamptz NOT NULL DEFAULT now(),
        actor        text NOT NULL,
        action       text NOT NULL,
        target_type  text NOT NULL,
        target_id    text NOT NULL,
        before       jsonb,
        after        jsonb
      )`);
    await queryRunner.query('CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_log');
    await queryRunner.query('DROP TABLE entitlements');
  }
}
