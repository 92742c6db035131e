/** What VirtualRows.vue exposes to its parent (a generic component's instance type is not a class). */
export interface VirtualRowsHandle {
  /** Scrolls the item at `index` into view, as little as needed. */
  scrollToIndex(index: number): void;
}
