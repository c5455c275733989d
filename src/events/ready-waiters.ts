import { DeadlineExceededError } from "../errors/index.js";
import type { Timers } from "./timers.js";

/** What `ready()` takes. */
export interface ReadyOptions {
  signal?: AbortSignal;
  /** Milliseconds before the wait fails with DeadlineExceededError. */
  timeout?: number;
}

interface Waiter {
  namespace: string;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * @internal The callers waiting for a live stream that carries their namespace, each with its own
 * signal and timeout; a waiter that is settled lets go of both.
 */
export class ReadyWaiters {
  readonly #waiters = new Set<Waiter>();
  readonly #timers: Timers;

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** Waits until `resolve` or `reject` picks `namespace`, the signal aborts or the timeout passes. */
  wait(namespace: string, { signal, timeout }: ReadyOptions): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let timer: unknown;
      const settle = (then: () => void) => {
        this.#waiters.delete(waiter);
        this.#timers.clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        then();
      };
      const waiter: Waiter = {
        namespace,
        resolve: () => settle(resolve),
        reject: (err) => settle(() => reject(err)),
      };
      const onAbort = () => waiter.reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeout !== undefined) {
        const message = `containerd-sdk: the event stream was not live within ${timeout} ms`;
        timer = this.#timers.setTimeout(() => waiter.reject(new DeadlineExceededError(message)), timeout);
      }
      this.#waiters.add(waiter);
    });
  }

  /** Resolves the waiters whose namespace `covers` accepts. */
  resolve(covers: (namespace: string) => boolean): void {
    for (const waiter of [...this.#waiters]) if (covers(waiter.namespace)) waiter.resolve();
  }

  /** Fails the waiters whose namespace `which` accepts (all by default). */
  reject(err: unknown, which: (namespace: string) => boolean = () => true): void {
    for (const waiter of [...this.#waiters]) if (which(waiter.namespace)) waiter.reject(err);
  }
}
