import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Fault tickets of every security device (issue 15, 附件3 二(三) "安全技术防范系统出现故障时，应在24小时内
 * 恢复功能"): `camera_faults.device_kind` says whose ticket it is — `camera` (every ticket stored
 * before), `sos`, `intrusion` or `access`.
 */
export function deviceFaultsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('camera_faults').addColumn('device_kind', 'text', (c) => c.notNull().defaultTo(sql`'camera'`)).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('camera_faults').dropColumn('device_kind').execute();
    },
  };
}
