export { createDataSource, openDatabase, checkDatabase, connectDataSource, migrateDatabase } from './data-source';
export type { DatabaseOptions } from './data-source';
export { DatabaseModule } from './database.module';
