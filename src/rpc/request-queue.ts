/**
 * @internal A push-driven request stream for a client- or bidi-streaming call: `push` queues a
 * message, `end` finishes the stream. The call reads it as an async iterable.
 */
export class RequestQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #ended = false;
  #wake: (() => void) | undefined;

  /** Queues `item` to be sent after the ones before it. */
  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }

  /** Ends the stream once what is queued has been sent. */
  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}
