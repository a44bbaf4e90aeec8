import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, dropTestDatabase } from '@streamgate/testing';
import { checkDatabase, openDatabase } from './data-source';

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE widgets');
  }
}

describe('database lib against the real PostgreSQL', () => {
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase();
  });

  afterAll(async () => {
    await dropTestDatabase(url);
  });

  it('applies pending migrations at start-up, once, with the history in the app table', async () => {
    const options = { url, migrationsTableName: 'widgets_migrations', migrations: [CreateWidgets1700000000000] };
    const first = await openDatabase(options);
    expect(first.applied).toEqual(['CreateWidgets1700000000000']);
    await first.dataSource.query(`INSERT INTO widgets (name) VALUES ('a')`);
    await first.dataSource.destroy();

    const second = await openDatabase(options);
    expect(second.applied).toEqual([]);
    expect(await second.dataSource.query('SELECT name FROM widgets')).toEqual([{ name: 'a' }]);
    expect(await second.dataSource.query('SELECT name FROM widgets_migrations')).toEqual([{ name: 'CreateWidgets1700000000000' }]);
    await checkDatabase(second.dataSource);
    await second.dataSource.destroy();
  });

  it('fails the health check once the database is gone', async () => {
    const other = await createTestDatabase();
    const { dataSource } = await openDatabase({ url: other, migrationsTableName: 'm', migrations: [] });
    await checkDatabase(dataSource);
    await dropTestDatabase(other);
    await expect(checkDatabase(dataSource)).rejects.toThrow();
    await dataSource.destroy();
  });
});
