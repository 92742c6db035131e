import type { ComplianceFilters, ComplianceMatrix, ComplianceTrend } from '../../shared/compliance.js';
import { complianceMatrixSchema } from '../../shared/compliance-schema.js';
import { scopeKey, type ComplianceFigure, type ComplianceFigureRepository } from '../db/compliance-figures.js';
import type { ComplianceCall } from './compliance-calls.js';
import { trendDates } from './compliance-matrix.js';

/** Figures computed and not yet taken for storing (`take`): the newest kept. */
const FIGURES_PENDING = 64;

/** What the stored figures report into the service's counters. */
export interface StoredFigureCounters {
  storedAnswers: number;
  figuresStored: number;
  storeFailures: number;
}

/**
 * The compliance desk's materialised figures of closed dates (0019), for ComplianceService: the
 * matrices a worker computed from exact sources wait here to be stored by the main thread (a
 * worker's connection is read-only), and a closed date's matrix whose stored fingerprint is the
 * current one is answered from the table, with no sources and no evaluation.
 */
export class StoredFigures {
  private pending: ComplianceFigure[] = [];

  constructor(
    private readonly deps: {
      store: ComplianceFigureRepository;
      /** The sources' fingerprint now (ComplianceService's). */
      fingerprint: () => Promise<string>;
      /** Today's date in Asia/Shanghai, YYYY-MM-DD: figures are kept for the dates before it. */
      today: () => string;
      now: () => number;
      counters: StoredFigureCounters;
    },
  ) {}

  /** Keeps a figure computed here for the main thread to store. */
  note(figure: ComplianceFigure): void {
    this.pending.push(figure);
    if (this.pending.length > FIGURES_PENDING) this.pending.splice(0, this.pending.length - FIGURES_PENDING);
  }

  /** The figures computed since the last call, for the main thread to store. */
  take(): ComplianceFigure[] {
    const figures = this.pending;
    this.pending = [];
    return figures;
  }

  /**
   * Stores figures, all or none; a failure is counted, never the reader's error. Only figures of
   * the current fingerprint: one from a worker's older sources could never be answered, and would
   * replace a current row.
   */
  async keep(figures: readonly ComplianceFigure[]): Promise<void> {
    if (figures.length === 0) return;
    try {
      const current = await this.deps.fingerprint();
      const fresh = figures.filter((f) => f.fingerprint === current);
      await this.deps.store.save(fresh, new Date(this.deps.now()).toISOString());
      this.deps.counters.figuresStored += fresh.length;
    } catch {
      this.deps.counters.storeFailures++;
    }
  }

  /** A matrix or trend answered from stored figures alone, or null when any date is open or not stored as of the current fingerprint. */
  async answer(call: ComplianceCall): Promise<string | null> {
    if (call.method === 'matrix') {
      const stored = (await this.matrices([call.asOf], call.filters)).get(call.asOf);
      return stored ? JSON.stringify({ ...stored, filters: call.filters }) : null;
    }
    if (call.method === 'trend') {
      const dates = trendDates(call.from, call.to, call.step);
      const stored = await this.matrices(dates, call.filters);
      if (stored.size < dates.length) return null;
      const points = dates.map((asOf) => ({ asOf, cells: stored.get(asOf)!.total.cells }));
      return JSON.stringify({ from: call.from, to: call.to, step: call.step, filters: call.filters, points } satisfies ComplianceTrend);
    }
    return null;
  }

  /**
   * The stored matrices of the closed dates among `dates` (before today) for these filters, whose
   * fingerprint is the current one — read now, so a row entered late for a past date (on any node)
   * is seen at once and the stale figure never answered.
   */
  async matrices(dates: readonly string[], filters: ComplianceFilters): Promise<Map<string, ComplianceMatrix>> {
    const today = this.deps.today();
    const closed = dates.filter((d) => d < today);
    const found = new Map<string, ComplianceMatrix>();
    if (closed.length === 0) return found;
    const [fingerprint, stored] = await Promise.all([this.deps.fingerprint(), this.deps.store.get(scopeKey(filters), closed)]);
    for (const [asOf, figure] of stored) {
      if (figure.fingerprint !== fingerprint) continue;
      const parsed = complianceMatrixSchema.safeParse(JSON.parse(figure.matrix));
      if (parsed.success) found.set(asOf, parsed.data);
    }
    this.deps.counters.storedAnswers += found.size;
    return found;
  }
}
