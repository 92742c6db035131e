/** Marks the end of a list, and "leave the wheel" for {@link DeadlineWheel.due}'s check. */
export const NONE = -1;

/** Slots of the timing wheel across one offline limit (180 s → slots of 2.8 s). */
export const WHEEL_SLOTS_PER_LIMIT = 64;

/**
 * Deadline buckets over item indices 0…n−1, without allocation: bucket heads and a next-pointer
 * per item in Int32Arrays. Slot s holds items whose deadline fell in [s·slotMs, (s+1)·slotMs)
 * when they were filed (or, for deadlines already past, the earliest slot still to look at).
 * The wheel spans one limit plus two slots, so a deadline at most one limit ahead never wraps
 * onto a slot that is still to be looked at before its own.
 */
export class DeadlineWheel {
  private readonly heads: Int32Array;
  private next: Int32Array;
  private filed: Uint8Array;
  /** The earliest absolute slot that may hold items. */
  private cursor: number;

  constructor(size: number, private readonly slotMs: number, limitMs: number, now: number) {
    this.heads = new Int32Array(Math.ceil(limitMs / slotMs) + 2).fill(NONE);
    this.next = new Int32Array(size).fill(NONE);
    this.filed = new Uint8Array(size);
    this.cursor = Math.floor(now / slotMs);
  }

  /** Makes room for items up to `size − 1` (new ones unfiled); the filed items stay where they are. */
  grow(size: number): void {
    if (size <= this.next.length) return;
    const next = new Int32Array(size).fill(NONE);
    next.set(this.next);
    const filed = new Uint8Array(size);
    filed.set(this.filed);
    this.next = next;
    this.filed = filed;
  }

  /** Files an item under its deadline, unless it is filed already (it is re-filed when its slot comes due). */
  file(index: number, deadline: number): void {
    if (this.filed[index] === 1) return;
    this.link(index, deadline);
  }

  /**
   * Hands every item of every slot up to now to `check`, which answers the item's next deadline
   * (it is re-filed under it) or NONE (it leaves the wheel). Each physical slot is emptied once per call.
   */
  due(now: number, check: (index: number) => number): void {
    const current = Math.floor(now / this.slotMs);
    const slots = this.heads.length;
    const from = Math.max(this.cursor, current - slots + 1);
    // Set first: an item re-filed now goes to the current slot at the earliest.
    this.cursor = current;
    for (let slot = from; slot <= current; slot++) {
      const physical = slot % slots;
      let index = this.heads[physical]!;
      this.heads[physical] = NONE;
      while (index !== NONE) {
        const following = this.next[index]!;
        this.filed[index] = 0;
        const deadline = check(index);
        if (deadline !== NONE) this.link(index, deadline);
        index = following;
      }
    }
  }

  private link(index: number, deadline: number): void {
    const slot = Math.max(Math.floor(deadline / this.slotMs), this.cursor);
    const physical = slot % this.heads.length;
    this.next[index] = this.heads[physical]!;
    this.heads[physical] = index;
    this.filed[index] = 1;
  }
}
