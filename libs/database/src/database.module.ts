import { Injectable, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HealthRegistry, connectLink } from '@streamgate/service';
import { checkDatabase, connectDataSource, createDataSource, migrateDatabase } from './data-source';
import type { DatabaseOptions } from './data-source';

/**
 * Connects the DataSource, waiting out a PostgreSQL outage at start-up (readiness names
 * `postgres` meanwhile), then migrates before any feature starts: the module is global, so its
 * start-up hook runs before those of the features.
 */
@Injectable()
class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  // Started at construction, so PostgreSQL and Kafka connect at the same time.
  private readonly connected: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    health: HealthRegistry,
  ) {
    this.connected = connectLink(health, { link: 'postgres', connect: () => connectDataSource(dataSource), check: () => checkDatabase(dataSource) });
    // Awaited in onModuleInit; until then a failure must not count as unhandled.
    this.connected.catch(() => undefined);
  }

  async onModuleInit(): Promise<void> {
    await this.connected;
    // A failing migration is not an outage to wait out: start-up fails with it.
    const applied = await migrateDatabase(this.dataSource);
    if (applied.length > 0) new Logger('database').log({ msg: 'migrations applied', migrations: applied });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The app's Postgres DataSource, connected and migrated before any feature starts. */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        // Not connected yet: DatabaseLifecycle connects it.
        { provide: DataSource, useFactory: () => createDataSource(options) },
        DatabaseLifecycle,
      ],
      exports: [DataSource],
    };
  }
}
