/** A JSON answer already serialised where it was computed (the worker pool): sent as it is. */
export class JsonText<T> {
  /** The answer type the text holds (compile time only). */
  declare readonly answer?: T;
  constructor(readonly text: string) {}
}

/**
 * A JSON answer too large to serialise in one go on the event loop (a province's 899,586 devices
 * are ≈ 180 MB of JSON, seconds of `JSON.stringify`): JSON text between lists whose items are
 * serialised and sent a slice at a time, the event loop free between slices (http/gzip-json.ts
 * `sendJsonPieces`). `{ devices: [...] }` is `new JsonPieces(['{"devices":[', devices, ']}'])`.
 */
export class JsonPieces<T> {
  /** The answer type the pieces make (compile time only). */
  declare readonly answer?: T;
  constructor(readonly pieces: readonly (string | readonly unknown[])[]) {}

  /** The whole text at once (tests' answer checks only: it holds the event loop). */
  text(): string {
    return this.pieces.map((piece) => (typeof piece === 'string' ? piece : piece.map((item) => JSON.stringify(item)).join(','))).join('');
  }

  /** `{ "<field>": [items] }`. */
  static list<T>(field: string, items: readonly unknown[]): JsonPieces<T> {
    return new JsonPieces<T>([`{${JSON.stringify(field)}:[`, items, ']}']);
  }
}
