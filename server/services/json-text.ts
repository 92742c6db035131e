/** A JSON answer already serialised where it was computed (the worker pool): sent as it is. */
export class JsonText<T> {
  /** The answer type the text holds (compile time only). */
  declare readonly answer?: T;
  constructor(readonly text: string) {}
}
