import { randomBytes } from "node:crypto";
import { checkCallOptions, type OperationOptions, rawOptions } from "../base/call-options.js";
import { invalid } from "../base/validate.js";
import { InvalidArgumentError } from "../errors/index.js";
import { currentLease, runInLease } from "../rpc/lease-context.js";
import type { ImagesContext } from "./context.js";
import { Label } from "./labels.js";

/** A lease: while it lives, what it lists is safe from GC. */
export interface LeaseInfo {
  id: string;
  createdAt: Date;
  labels: Record<string, string>;
}

/** What a lease holds: `content` (a digest), `ingests` (a ref) or `snapshots/<snapshotter>` (a key). */
export interface LeaseResource {
  id: string;
  type: string;
}

/** What `leases.create` takes. */
export interface CreateLeaseOptions extends OperationOptions {
  /** Default: a random `sdk-…` id. */
  id?: string;
  labels?: Record<string, string>;
  /** Milliseconds after which the lease protects nothing and GC deletes it (`containerd.io/gc.expire`). */
  expiresIn?: number;
}

/** What `leases.delete` takes. */
export interface DeleteLeaseOptions extends OperationOptions {
  /** Wait for the GC the deletion triggers, so what only the lease held is gone on return. */
  sync?: boolean;
}

/** What `client.withLease` takes. */
export interface WithLeaseOptions extends CreateLeaseOptions {
  /** Delete the lease with `sync` when done. Default false (GC runs soon anyway). */
  sync?: boolean;
}

/** The namespace's leases (`client.leases`). */
export class Leases {
  readonly #ctx: ImagesContext;

  /** @internal */
  constructor(ctx: ImagesContext) {
    this.#ctx = ctx;
  }

  /** Creates a lease (one RPC). */
  async create(options: CreateLeaseOptions = {}): Promise<LeaseInfo> {
    options = checkCallOptions(options);
    const labels = { ...options.labels };
    if (options.expiresIn !== undefined) {
      if (!Number.isFinite(options.expiresIn) || options.expiresIn <= 0) {
        throw invalid("expiresIn", options.expiresIn, "must be a positive number of ms");
      }
      labels[Label.gcExpire] = new Date(Date.now() + options.expiresIn).toISOString();
    }
    const id = options.id ?? `sdk-${Date.now()}-${randomBytes(3).toString("hex")}`;
    const res = await this.#ctx.services.leases.create(
      { id, labels },
      rawOptions(options, this.#ctx.namespace),
    );
    return toLease(res.lease, id);
  }

  /** Deletes a lease (one RPC); with `sync`, after GC has removed what only it held. */
  async delete(id: string, options: DeleteLeaseOptions = {}): Promise<void> {
    options = checkCallOptions(options);
    await this.#ctx.services.leases.delete(
      { id, sync: options.sync ?? false },
      rawOptions(options, this.#ctx.namespace),
    );
  }

  /** Leases, optionally filtered (`id==…`, `labels."k"==v`). */
  async list(options: OperationOptions & { filters?: string[] } = {}): Promise<LeaseInfo[]> {
    options = checkCallOptions(options);
    const res = await this.#ctx.services.leases.list(
      { filters: options.filters ?? [] },
      rawOptions(options, this.#ctx.namespace),
    );
    return res.leases.map((l) => toLease(l, l.id));
  }

  /** What a lease holds (one RPC). */
  async resources(id: string, options?: OperationOptions): Promise<LeaseResource[]> {
    options = checkCallOptions(options);
    const res = await this.#ctx.services.leases.listResources(
      { id },
      rawOptions(options, this.#ctx.namespace),
    );
    return res.resources.map((r) => ({ id: r.id, type: r.type }));
  }

  /** Adds a resource to a lease (one RPC). */
  async addResource(id: string, resource: LeaseResource, options?: OperationOptions): Promise<void> {
    options = checkCallOptions(options);
    await this.#ctx.services.leases.addResource({ id, resource }, rawOptions(options, this.#ctx.namespace));
  }

  /** Removes a resource from a lease (one RPC). */
  async deleteResource(id: string, resource: LeaseResource, options?: OperationOptions): Promise<void> {
    options = checkCallOptions(options);
    await this.#ctx.services.leases.deleteResource(
      { id, resource },
      rawOptions(options, this.#ctx.namespace),
    );
  }

  /** Runs `fn` with every containerd call inside it carrying the existing lease `id`. */
  run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (typeof id !== "string" || id === "") {
      throw new InvalidArgumentError("lease: must be a non-empty lease id", { field: "lease" });
    }
    return runInLease(id, fn);
  }

  /**
   * Runs `fn` under a new lease (24 h expiry unless told), so everything its calls create is safe
   * from GC until `fn` has made what references it; then deletes the lease. Inside an enclosing
   * `withLease` it reuses that lease instead.
   */
  async withLease<T>(fn: (lease: string) => Promise<T>, options: WithLeaseOptions = {}): Promise<T> {
    options = checkCallOptions(options);
    const outer = currentLease();
    if (outer !== undefined) return fn(outer);
    const lease = await this.create({ expiresIn: 24 * 3600_000, ...options });
    let result: T;
    try {
      result = await runInLease(lease.id, () => fn(lease.id));
    } catch (err) {
      // Without a signal: the lease must go even when the caller aborted. Synchronously, so a
      // failed operation has left nothing behind by the time it rejects.
      await this.delete(lease.id, { sync: true }).catch(() => {});
      throw err;
    }
    await this.delete(lease.id, { sync: options.sync });
    return result;
  }
}

function toLease(
  lease: { id: string; createdAt: Date | undefined; labels: Record<string, string> } | undefined,
  id: string,
): LeaseInfo {
  return { id: lease?.id ?? id, createdAt: lease?.createdAt ?? new Date(0), labels: { ...lease?.labels } };
}
