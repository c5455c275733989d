// An in-memory stand-in for the part of containerd the event hub uses (Events.Subscribe and
// Publish, Tasks.Get) and a virtual clock, for deterministic unit tests of src/events: nothing
// sleeps, no timer is real, and nothing happens until the test publishes, drops or ticks.
import { AbortError } from "abort-controller-x";
import type { Timers } from "../src/events/timers.js";
import type { Envelope } from "../src/gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { Status } from "../src/gen/github.com/containerd/containerd/api/types/task/task.js";
import { encodeAny, NotFoundError, UnavailableError } from "../src/index.js";
import type { RawServices } from "../src/rpc/services.js";

/** Timers that fire only on `tick`; `pending` counts those set and neither fired nor cleared. */
export class FakeClock implements Timers {
  #now = 0;
  #nextId = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = ++this.#nextId;
    this.#timers.set(id, { at: this.#now + ms, callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time on by `ms`, firing every timer due on the way, earliest first. */
  tick(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers)
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].callback();
    }
    this.#now = end;
  }
}

/** Lets every promise chain that is ready run (the fake answers without any real I/O). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Subscriber {
  filters: string[];
  registered: boolean;
  /** Holds what it receives back from the client (as if still in flight). */
  paused: boolean;
  queue: Envelope[];
  error: unknown;
  wake: (() => void) | undefined;
}

/** What Tasks.Get answers for one process. */
export type TaskAnswer = { pid: number; running: true } | { pid: number; exitStatus: number; exitedAt: Date };

/** containerd's filter clauses the SDK sends: `field==“value”` and `field~=“regexp”`, `,` is AND. */
function matches(filter: string, envelope: Envelope): boolean {
  const clauses = [...filter.matchAll(/(\w+)(==|~=)("(?:[^"\\]|\\.)*")/g)];
  return clauses.every(([, field, op, quoted]) => {
    const actual =
      field === "namespace" ? envelope.namespace : field === "topic" ? envelope.topic : undefined;
    const value = JSON.parse(quoted as string) as string;
    return actual !== undefined && (op === "==" ? actual === value : new RegExp(value).test(actual));
  });
}

/**
 * A containerd as the event hub sees it. Subscribe registers at once (unless `holdRegistration`),
 * a Publish reaches every registered subscriber whose filters match, each with its own queue read
 * as the client pulls; `drop()` ends every stream the way a stopping daemon does.
 */
export class FakeContainerd {
  readonly #subscribers = new Set<Subscriber>();
  #published = 0;
  /** Subscribe calls made so far. */
  subscribeCalls = 0;
  /** While set, new subscriptions miss what is published until `register()`. */
  holdRegistration = false;
  /** While set, Subscribe and Publish fail with it (the daemon is down). */
  down: Error | undefined;
  /** The next Subscribe call alone fails with it. */
  refuseNext: Error | undefined;
  /** Tasks.Get's answers by "namespace/container/exec id"; a missing one is NotFound. */
  readonly tasks = new Map<string, TaskAnswer>();

  readonly services = {
    events: {
      subscribe: (req: { filters: string[] }, opts: { signal?: AbortSignal }) => this.#subscribe(req, opts),
      publish: async (req: { topic: string; event?: Envelope["event"] }, opts: { namespace: string }) => {
        if (this.down) throw this.down;
        this.publish({ namespace: opts.namespace, topic: req.topic, event: req.event });
        return {};
      },
    },
    tasks: {
      get: async (req: { containerId: string; execId: string }, opts: { namespace: string }) => {
        const answer = this.tasks.get(`${opts.namespace}/${req.containerId}/${req.execId}`);
        if (this.down) throw this.down;
        if (!answer) throw new NotFoundError(`process ${req.containerId}/${req.execId} not found`);
        const stopped = "exitStatus" in answer;
        return {
          process: {
            pid: answer.pid,
            status: stopped ? Status.STOPPED : Status.RUNNING,
            exitStatus: stopped ? answer.exitStatus : 0,
            exitedAt: stopped ? answer.exitedAt : undefined,
          },
        };
      },
    },
  } as unknown as RawServices;

  /** Subscriptions open now. */
  get open(): number {
    return this.#subscribers.size;
  }

  /** Publishes an envelope stamped now (each publication with its own timestamp); returns it. */
  publish(envelope: Omit<Envelope, "timestamp">): Envelope {
    const published = { ...envelope, timestamp: new Date(1_700_000_000_000 + this.#published++) };
    this.deliver(published);
    return published;
  }

  /** Sends this exact envelope to every registered subscriber it matches. */
  deliver(envelope: Envelope): void {
    for (const sub of this.#subscribers) {
      if (!sub.registered || !sub.filters.some((f) => matches(f, envelope))) continue;
      sub.queue.push(envelope);
      sub.wake?.();
    }
  }

  /** Publishes a task exit: `id` is the exec id, or the container id for the init process. */
  exit(namespace: string, containerId: string, id: string, pid: number, exitStatus: number): Envelope {
    const exitedAt = new Date(1_600_000_000_000 + pid);
    const event = encodeAny("containerd.events.TaskExit", { containerId, id, pid, exitStatus, exitedAt });
    return this.publish({ namespace, topic: "/tasks/exit", event });
  }

  /** Subscriptions made while `holdRegistration` was set start receiving. */
  register(): void {
    this.holdRegistration = false;
    for (const sub of this.#subscribers) sub.registered = true;
  }

  /** What reaches the streams open now stays in flight until `resume()`. */
  pause(): void {
    for (const sub of this.#subscribers) sub.paused = true;
  }

  /** Paused streams deliver what they hold. */
  resume(): void {
    for (const sub of this.#subscribers) {
      sub.paused = false;
      sub.wake?.();
    }
  }

  /** Every open stream fails, as when containerd stops; `down` stays set until `up()`. */
  drop(err: Error = new UnavailableError("containerd stopped")): void {
    this.down = err;
    for (const sub of this.#subscribers) this.#end(sub, err);
  }

  /** containerd answers again. */
  up(): void {
    this.down = undefined;
  }

  #end(sub: Subscriber, err: unknown): void {
    this.#subscribers.delete(sub);
    sub.error = err;
    sub.wake?.();
  }

  #subscribe(req: { filters: string[] }, opts: { signal?: AbortSignal }): AsyncIterable<Envelope> {
    this.subscribeCalls++;
    const sub: Subscriber = {
      filters: req.filters,
      registered: !this.holdRegistration,
      paused: false,
      queue: [],
      error: this.down ?? this.refuseNext,
      wake: undefined,
    };
    this.refuseNext = undefined;
    if (!sub.error) this.#subscribers.add(sub);
    opts.signal?.addEventListener("abort", () => this.#end(sub, new AbortError()), { once: true });
    return this.#read(sub);
  }

  async *#read(sub: Subscriber): AsyncIterable<Envelope> {
    for (;;) {
      const next = sub.paused ? undefined : sub.queue.shift();
      if (next) yield next;
      else if (sub.error) throw sub.error;
      else await new Promise<void>((resolve) => (sub.wake = resolve));
    }
  }
}
