/**
 * What a client's method returns, from the generator that middleware and the call make: a promise
 * of the one response, or an async iterable of the responses.
 *
 * @module
 */
import type { LeanCallOptions, MethodCall } from "./call-method.js";

/** @internal A unary or client-streaming method: resolves with the message the generator returns. */
export function unaryMethod(call: MethodCall, path: string) {
  return async (request: unknown, options: LeanCallOptions = {}): Promise<unknown> => {
    const iterator = call(request, options);
    let result = await iterator.next();
    for (;;) {
      if (!result.done) {
        result = await iterator.throw(
          new Error(`A middleware yielded a message for ${path}, which returns one`),
        );
      } else if (result.value == null) {
        result = await iterator.throw(
          new Error(`A middleware returned nothing for ${path}, which returns a message`),
        );
      } else return result.value;
    }
  };
}

/** @internal A server- or bidi-streaming method: the messages the generator yields. */
export function streamingMethod(call: MethodCall) {
  return (request: unknown, options: LeanCallOptions = {}): AsyncIterable<unknown> => {
    const iterator = call(request, options);
    return { [Symbol.asyncIterator]: () => iterator };
  };
}
