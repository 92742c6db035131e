import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type Generated } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../../server/db/database.js';

interface Db {
  things: { id: Generated<number>; name: string };
}

describe(withStatementCache.name, () => {
  const open: SQLite.Database[] = [];
  const file = () => {
    const db = new SQLite(':memory:');
    db.exec('create table things (id integer primary key, name text not null)');
    open.push(db);
    return db;
  };
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });

  it('prepares each SQL text once and hands the same statement back', () => {
    const sut = withStatementCache(file());
    const first = sut.prepare('select * from things where id = ?');
    expect(sut.prepare('select * from things where id = ?')).toBe(first);
    expect(sut.prepare('select * from things where name = ?')).not.toBe(first);
  });

  it('starts again when full, so that varying shapes cannot grow it without bound', () => {
    const sut = withStatementCache(file(), 3);
    const first = sut.prepare('select 1');
    sut.prepare('select 2');
    sut.prepare('select 3');
    expect(sut.prepare('select 1')).toBe(first);
    sut.prepare('select 4');
    expect(sut.prepare('select 1')).not.toBe(first);
  });

  it('runs Kysely reads, writes and transactions with values bound afresh each time', async () => {
    const raw = file();
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
    await db.transaction().execute(async (trx) => {
      for (const name of ['a', 'b', 'c']) await trx.insertInto('things').values({ name }).execute();
    });
    const byName = (name: string) => db.selectFrom('things').select('id').where('name', '=', name).executeTakeFirst();
    expect(await byName('b')).toEqual({ id: 2 });
    expect(await byName('c')).toEqual({ id: 3 });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('things').values({ name: 'd' }).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await byName('d')).toBeUndefined();
    await db.destroy();
    expect(raw.open).toBe(false);
  });
});
