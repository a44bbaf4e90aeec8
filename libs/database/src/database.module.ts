import { Injectable, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HealthRegistry } from '@streamgate/service';
import { checkDatabase, openDatabase } from './data-source';
import type { DatabaseOptions } from './data-source';

@Injectable()
class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register('postgres', () => checkDatabase(this.dataSource));
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
        {
          provide: DataSource,
          useFactory: async () => {
            const { dataSource, applied } = await openDatabase(options);
            if (applied.length > 0) new Logger('database').log({ msg: 'migrations applied', migrations: applied });
            return dataSource;
          },
        },
        DatabaseLifecycle,
      ],
      exports: [DataSource],
    };
  }
}
