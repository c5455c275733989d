import type { H2Call } from "../h2/call.js";
import type { Encoded } from "./method.js";

/** @internal A request stream being sent: `stop` ends the sending, `error` is what the source threw. */
export interface RequestPipe {
  stop(): void;
  readonly error: unknown;
}

/**
 * @internal Sends `requests` on `call`, waiting while its buffer is full, then half-closes. A
 * source that throws cancels the call; its error is kept for the reader to rethrow.
 */
export function pipeRequest(
  call: H2Call,
  requests: AsyncIterable<unknown>,
  serialize: (request: unknown) => Encoded,
): RequestPipe {
  const pipe = {
    stopped: false,
    error: undefined as unknown,
    stop() {
      pipe.stopped = true;
    },
  };
  void (async () => {
    for await (const request of requests) {
      if (pipe.stopped || call.ended) return;
      if (!call.write(serialize(request))) await call.drained();
    }
    if (!pipe.stopped) call.end();
  })().catch((err: unknown) => {
    if (pipe.stopped) return;
    pipe.error = err;
    call.cancel();
  });
  return pipe;
}
