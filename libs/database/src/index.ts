export { createDataSource, openDatabase, checkDatabase } from './data-source';
export type { DatabaseOptions } from './data-source';
export { DatabaseModule } from './database.module';
