import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE } from '../sql/app-role.ts';
import { createDb, type Db } from '../sql/database.ts';
import { createTestPipeline, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

describe('least privilege in Postgres: the app role reads and writes rows, never the schema', () => {
  let p: TestPipeline;
  let app: Db;

  beforeAll(async () => {
    p = await createTestPipeline();
    app = createDb(p.databaseUrl, 2);
  }, 30_000);
  afterAll(async () => {
    await app?.destroy();
    await p?.close();
  });

  it('connects as the app role, which is no superuser and owns nothing', async () => {
    expect(new URL(p.databaseUrl).username).toBe(APP_ROLE);
    const who = await sql<{ user: string; superuser: boolean; createdb: boolean; createrole: boolean }>`
      select current_user as user, rolsuper as superuser, rolcreatedb as createdb, rolcreaterole as createrole from pg_roles where rolname = current_user`.execute(app);
    expect(who.rows).toEqual([{ user: APP_ROLE, superuser: false, createdb: false, createrole: false }]);
    const owned = await sql<{ n: number }>`select count(*)::int as n from pg_class where relowner = (select oid from pg_roles where rolname = ${APP_ROLE})`.execute(app);
    expect(owned.rows[0]!.n).toBe(0);
  });

  it('may not create, alter, drop or truncate a table', async () => {
    await expect(sql`create table intruder (a int)`.execute(app)).rejects.toThrow(/permission denied for schema public/);
    await expect(sql`drop table orders`.execute(app)).rejects.toThrow(/must be owner of table orders/);
    await expect(sql`alter table orders add column intruder int`.execute(app)).rejects.toThrow(/must be owner of table orders/);
    await expect(sql`truncate orders`.execute(app)).rejects.toThrow(/permission denied for table orders/);
    await expect(sql`create index intruder on orders (buyer)`.execute(app)).rejects.toThrow(/must be owner of table orders/);
    await expect(sql`create function intruder() returns int language sql as 'select 1'`.execute(app)).rejects.toThrow(/permission denied for schema public/);
    // The owner (who runs migrations) still may: the refusals above are the role's, not the table's.
    await sql`create table owner_may (a int)`.execute(p.db);
    await sql`drop table owner_may`.execute(p.db);
  });

  it('reads and writes the rows the pipeline needs, including in tables a later migration adds', async () => {
    await insertPricedOrder(app, { id: 'shop:7001', sku: 'TEA', qty: 1 });
    await app.updateTable('orders').set({ status: 'routed' }).where('id', '=', 'shop:7001').execute();
    expect((await app.selectFrom('orders').select('status').where('id', '=', 'shop:7001').executeTakeFirstOrThrow()).status).toBe('routed');
    await app.deleteFrom('order_lines').where('order_id', '=', 'shop:7001').execute();
    await app.deleteFrom('orders').where('id', '=', 'shop:7001').execute();
    // Made by the owner after the grants, as a new migration would: default privileges cover it.
    await sql`create table later_migration (id serial primary key, note text)`.execute(p.db);
    await sql`insert into later_migration (note) values ('x')`.execute(app);
    expect((await sql<{ note: string }>`select note from later_migration`.execute(app)).rows).toEqual([{ note: 'x' }]);
    await expect(sql`drop table later_migration`.execute(app)).rejects.toThrow(/must be owner/);
  });
});
