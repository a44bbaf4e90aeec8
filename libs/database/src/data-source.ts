import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  /** Each app keeps its own migration history, so apps can share one database. */
  migrationsTableName: string;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  entities?: DataSourceOptions['entities'];
  poolSize?: number;
}

/** A TypeORM DataSource on Postgres. Schema changes only ever come from migrations. */
export function createDataSource(options: DatabaseOptions): DataSource {
  const config: DataSourceOptions = {
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'migration'],
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000 },
  };
  return new DataSource(config);
}

/** Connects and applies pending migrations; returns the names of the migrations it ran. */
export async function openDatabase(options: DatabaseOptions): Promise<{ dataSource: DataSource; applied: string[] }> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { dataSource, applied: applied.map((m) => m.name) };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

export async function checkDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT 1');
}
