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
  await connectDataSource(dataSource);
  try {
    return { dataSource, applied: await migrateDatabase(dataSource) };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/**
 * One connection attempt; a failed one leaves nothing open, so the same DataSource (already
 * injected everywhere) can try again.
 */
export async function connectDataSource(dataSource: DataSource): Promise<void> {
  try {
    await dataSource.initialize();
  } catch (error) {
    // initialize() closes what it opened only when it fails after connecting; before that, a
    // pool may be left behind (no pool at all: disconnect throws, which is fine).
    if (!dataSource.isInitialized) await dataSource.driver.disconnect().catch(() => undefined);
    throw error;
  }
}

/** Applies pending migrations, each in its own transaction; returns the names of those it ran. */
export async function migrateDatabase(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

export async function checkDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT 1');
}
