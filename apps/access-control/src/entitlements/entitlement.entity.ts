import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { EntitlementPolicy } from '@streamgate/contracts';

@Entity({ name: 'entitlements' })
export class EntitlementEntity {
  @PrimaryColumn({ name: 'partner_id', type: 'text' })
  partnerId!: string;

  @PrimaryColumn({ type: 'text' })
  stream!: string;

  @Column({ type: 'jsonb' })
  policy!: EntitlementPolicy;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
