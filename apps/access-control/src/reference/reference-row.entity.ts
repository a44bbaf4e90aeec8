import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JsonObject } from '@streamgate/contracts';

@Entity({ name: 'reference_rows' })
export class ReferenceRowEntity {
  @PrimaryColumn({ name: 'table_name', type: 'text' })
  table!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'jsonb' })
  row!: JsonObject;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
