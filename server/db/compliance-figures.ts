import type { Kysely } from 'kysely';
import type { ComplianceFilters } from '../../shared/compliance.js';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';

/** One stored matrix: as of a closed date, for a scope, with the fingerprint of the sources it came from. */
export interface ComplianceFigure {
  asOf: string;
  /** `scopeKey(filters)`. */
  scope: string;
  fingerprint: string;
  /** The ComplianceMatrix as JSON text (what the desk's GET answers). */
  matrix: string;
}

/** The filters as one canonical key (the same filters in any order, or with undefined fields, give the same key). */
export function scopeKey(filters: ComplianceFilters): string {
  return JSON.stringify([filters.districtCode ?? null, filters.stage ?? null, filters.setting ?? null]);
}

/**
 * The compliance desk's materialised figures (0019, issue 17 item 5). Read by the main thread and
 * the workers (read-only connections may read); written only by the main thread, all of a call's
 * figures in one transaction — a store is never half-written.
 */
export class ComplianceFigureRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The stored figures of these dates for one scope, by date (whatever their fingerprint). */
  async get(scope: string, dates: readonly string[]): Promise<Map<string, ComplianceFigure>> {
    if (dates.length === 0) return new Map();
    const rows = await this.db.selectFrom('compliance_figures').select(['as_of', 'scope', 'fingerprint', 'matrix']).where('scope', '=', scope).where('as_of', 'in', [...dates]).execute();
    return new Map(rows.map((r) => [r.as_of, { asOf: r.as_of, scope: r.scope, fingerprint: r.fingerprint, matrix: r.matrix }]));
  }

  /** Stores (or replaces) figures, all or none. */
  async save(figures: readonly ComplianceFigure[], computedAt: string): Promise<void> {
    if (figures.length === 0) return;
    await inTransaction({ db: this.db }, async (trx) => {
      for (const f of figures) {
        await trx
          .insertInto('compliance_figures')
          .values({ as_of: f.asOf, scope: f.scope, fingerprint: f.fingerprint, matrix: f.matrix, computed_at: computedAt })
          .onConflict((oc) => oc.columns(['as_of', 'scope']).doUpdateSet({ fingerprint: f.fingerprint, matrix: f.matrix, computed_at: computedAt }))
          .execute();
      }
    });
  }
}
