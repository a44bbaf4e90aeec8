import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PartnerRecord } from '@streamgate/contracts';

export interface KnownPartner extends PartnerRecord {
  deleted: boolean;
}

/** partner_directory: every partner metering has learned of, kept after deletion for reports. */
@Injectable()
export class PartnerDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  all(): Promise<KnownPartner[]> {
    return this.dataSource.query('SELECT id, name, plan, timezone, status, deleted FROM partner_directory');
  }

  async save(partner: KnownPartner): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO partner_directory (id, name, plan, timezone, status, deleted, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan, timezone = EXCLUDED.timezone, status = EXCLUDED.status, deleted = EXCLUDED.deleted, updated_at = now()`,
      [partner.id, partner.name, partner.plan, partner.timezone, partner.status, partner.deleted],
    );
  }
}
