import type { ComplianceCell } from '../shared/compliance.js';
import { shanghaiParts } from '../shared/time.js';

/** At or above (in percent, as shown): green. */
export const GOOD_PERCENT = 95;
/** At or above, below GOOD: amber; below: red. */
export const WATCH_PERCENT = 80;

/** How a matrix cell reads from across the room: green, amber, red, or grey when nobody is judged. */
export type CellTone = 'good' | 'watch' | 'bad' | 'none';

/**
 * A rate as the percentage shown, one decimal, rounded the way the 附件4 export rounds
 * (`toFixed(1)`), so the screen and the workbook never disagree; null when nobody is judged.
 */
export function ratePercent(rate: number | null): number | null {
  return rate === null ? null : Number((rate * 100).toFixed(1));
}

/** `86.2%`, or a dash for a requirement nobody is judged on yet. */
export function formatRate(rate: number | null): string {
  const percent = ratePercent(rate);
  return percent === null ? '—' : `${percent.toFixed(1)}%`;
}

/**
 * The tone of a rate, judged on the figure shown (a cell reading 95.0% is green even when the
 * exact share is 94.96%: a person compares the colour with the number, not with hidden digits).
 */
export function rateTone(rate: number | null): CellTone {
  const percent = ratePercent(rate);
  if (percent === null) return 'none';
  if (percent >= GOOD_PERCENT) return 'good';
  return percent >= WATCH_PERCENT ? 'watch' : 'bad';
}

/** The tone of a cell: grey when no school is judged (all pending, not due, or none applies). */
export function cellTone(cell: Pick<ComplianceCell, 'rate'>): CellTone {
  return rateTone(cell.rate);
}

/** Schools judged on a requirement (应达标): those that pass or fail it. */
export function judged(cell: Pick<ComplianceCell, 'pass' | 'fail'>): number {
  return cell.pass + cell.fail;
}

/** Today's date in Asia/Shanghai, `YYYY-MM-DD`: the default "as of". */
export function todayInShanghai(now: number = Date.now()): string {
  return shanghaiParts(now).date;
}

/** The calendar date `months` months before `date` (`YYYY-MM-DD`), on the first of that month. */
export function monthStartBefore(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}
