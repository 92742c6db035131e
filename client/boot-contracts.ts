/**
 * The API's contracts (shared/: the domain's schemas and the route table), evaluated in three
 * tasks before the app (client/main.ts). zod builds every schema as its module runs: about 100–120 ms
 * in all on this project's slow 2-core machine, one long task when imported at once (issue 17 item
 * 4). Each part brings what the parts before it did not: the domain's and the forms' schemas, half
 * of the route tables, then the other half with the table itself.
 */
export const CONTRACT_PARTS: readonly (() => Promise<unknown>)[] = [
  () => Promise.all([import('../shared/domain/index.js'), import('../shared/domain/entity-schemas.js'), import('../shared/domain/alarm-schema.js'), import('../shared/compliance.js'), import('../shared/drill.js')]),
  () => Promise.all([import('../shared/api/admin.js'), import('../shared/api/alarms.js'), import('../shared/api/analytics.js'), import('../shared/api/auth.js'), import('../shared/api/compliance.js'), import('../shared/api/drills.js'), import('../shared/api/field.js')]),
  () => import('../shared/api/index.js'),
];

/**
 * This chunk's own address: client/main.ts imports it lazily, so a page whose resource timings are
 * empty (a test's fake clock) has no other record of it, and the phone's offline copy needs it.
 */
export const BOOT_CONTRACTS_URL = import.meta.url;
