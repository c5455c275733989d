/**
 * The innermost step of every call, the one middleware's `next` reaches: opens the HTTP/2 call,
 * sends the request (one message or a stream), and yields the responses (or returns the one).
 *
 * @module
 */
import { isAbortError, throwIfAborted } from "abort-controller-x";
import { type CallOptions, ClientError, Status } from "nice-grpc-common";
import type { H2Call } from "../h2/call.js";
import type { H2Channel } from "../h2/channel.js";
import type { CallStatus } from "../h2/status.js";
import type { Encoded, Method } from "./method.js";
import { pipeRequest, type RequestPipe } from "./pipe-request.js";

/** @internal What the lean client's calls accept besides nice-grpc's: a deadline, sent to the server too. */
export interface LeanCallOptions extends CallOptions {
  /** Milliseconds from now, or a Date: the call then fails DEADLINE_EXCEEDED. */
  deadline?: number | Date;
}

/** @internal The call of `method` as a generator: responses yielded (streams) or returned. */
export type MethodCall = (request: unknown, options: LeanCallOptions) => AsyncGenerator<unknown, unknown>;

function isStatus(err: unknown): err is CallStatus {
  return typeof err === "object" && err !== null && "code" in err && "metadata" in err;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === "function";
}

/** The request's wire form (a unary request, encoded before the call opens) or its stream. */
function checkRequest(method: Method, request: unknown): Encoded | AsyncIterable<unknown> {
  const { requestStream, path } = method.descriptor;
  if (isAsyncIterable(request) !== requestStream) {
    throw new Error(`A middleware passed an invalid request to next() for ${path}`);
  }
  return requestStream ? (request as AsyncIterable<unknown>) : method.serialize(request);
}

function sendRequest(
  call: H2Call,
  method: Method,
  request: Encoded | AsyncIterable<unknown>,
): RequestPipe | undefined {
  if (isAsyncIterable(request)) return pipeRequest(call, request, method.serialize);
  call.write(request);
  call.end();
  return undefined;
}

/** @internal The step that calls `method` on `channel`. */
export function callMethod(channel: H2Channel, method: Method): MethodCall {
  const { path, responseStream } = method.descriptor;
  return async function* leanCall(request, options) {
    const { signal } = options;
    if (signal) throwIfAborted(signal);
    const body = checkRequest(method, request);
    const call = channel.call({ path, ...options });
    const cancel = () => call.cancel();
    signal?.addEventListener("abort", cancel);
    let pipe: RequestPipe | undefined;
    try {
      pipe = sendRequest(call, method, body);
      if (responseStream) {
        for (let message = await call.read(); message !== undefined; message = await call.read()) {
          yield method.deserialize(message);
        }
        return undefined;
      }
      return await single(call, method);
    } catch (err) {
      if (pipe?.error !== undefined && !isAbortError(pipe.error)) throw pipe.error;
      throw isStatus(err) ? new ClientError(path, err.code, err.details) : err;
    } finally {
      signal?.removeEventListener("abort", cancel);
      pipe?.stop();
      call.cancel();
      if (signal) throwIfAborted(signal);
    }
  };
}

/** The one response of a unary or client-streaming call, once its status is OK. */
async function single(call: H2Call, method: Method): Promise<unknown> {
  const message = await call.read();
  if (message === undefined) {
    throw new ClientError(method.descriptor.path, Status.UNIMPLEMENTED, "No message received");
  }
  if ((await call.read()) !== undefined) {
    call.cancel(Status.UNIMPLEMENTED, "Too many responses received");
    await call.read();
  }
  return method.deserialize(message);
}
