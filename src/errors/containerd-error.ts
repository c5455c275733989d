import type { GrpcCodeName } from "./codes.js";

/** Options every {@link ContainerdError} constructor accepts. */
export interface ContainerdErrorOptions {
  /** The error this one classifies, usually the gRPC `ClientError`; kept as the ES2022 `cause`. */
  cause?: unknown;
  /** Overrides the class's usual gRPC code, e.g. when a server sends a code the class only approximates. */
  code?: GrpcCodeName;
  /**
   * Overrides the class's HTTP status, so a registry failure during a pull keeps the registry's own
   * status (a 502 stays 502 even though it is an UnknownError).
   */
  statusCode?: number;
  /** The RPC that failed, `/containerd.services.containers.v1.Containers/Get`; for logs. */
  method?: string;
  /** The containerd address the RPC went to; for logs. */
  address?: string;
}

interface ClassInfo {
  readonly brand: symbol;
  readonly code: GrpcCodeName;
  readonly statusCode: number;
}

// Per copy of the package; only the brand symbols (Symbol.for) are shared between copies.
const classes = new WeakMap<object, ClassInfo>();

/**
 * Registers an error class: its default gRPC code and HTTP status, its `name`, and a global brand
 * symbol. Instances carry the brands of their class and every registered ancestor, and `instanceof`
 * checks the brand, so an error thrown by another installed copy of containerd-sdk still matches.
 *
 * @internal Used by the classes in this directory; unregistered subclasses fall back to the
 * ordinary prototype check.
 */
export function brand(
  cls: abstract new (...args: never[]) => ContainerdError,
  name: string,
  code: GrpcCodeName,
  statusCode: number,
): void {
  classes.set(cls, { brand: Symbol.for(`containerd-sdk/${name}`), code, statusCode });
  // Given explicitly because minifiers rename classes; set once on the prototype, not per error.
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

/**
 * Any error containerd (or this SDK, on containerd's behalf) reported, classified by gRPC code. The
 * message is the server's text without containerd's trailing class (`: not found`); the gRPC error
 * itself is the `cause`. Check the kind with `instanceof` on a subclass or with the `is…` predicates,
 * which also look through errors that wrap this one.
 */
export class ContainerdError extends Error {
  /** The gRPC status code name, e.g. `"NOT_FOUND"`. */
  readonly code: GrpcCodeName;
  /** The RPC that failed, when known. */
  declare readonly method?: string;
  /** The containerd address the RPC went to, when known. */
  declare readonly address?: string;
  readonly #statusCode: number;

  constructor(message: string, options: ContainerdErrorOptions = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    let info: ClassInfo | undefined;
    for (let c: unknown = new.target; typeof c === "function"; c = Object.getPrototypeOf(c)) {
      const found = classes.get(c);
      if (found === undefined) continue;
      info ??= found;
      Object.defineProperty(this, found.brand, { value: true });
      if (c === ContainerdError) break;
    }
    // The loop always reaches ContainerdError, which is registered below.
    const own = info as ClassInfo;
    this.code = options.code ?? own.code;
    this.#statusCode = options.statusCode ?? own.statusCode;
    if (options.method !== undefined) this.method = options.method;
    if (options.address !== undefined) this.address = options.address;
  }

  /**
   * The HTTP status that best describes this error (404 for NotFoundError, …), for servers that relay
   * containerd failures to their own clients.
   */
  statusCode(): number {
    return this.#statusCode;
  }

  /**
   * Brand check instead of the prototype chain, so errors from a second installed copy of
   * containerd-sdk still satisfy `instanceof`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is whichever class is right of `instanceof`.
    return isInstance(this, value);
  }
}

function isInstance(cls: object, value: unknown): boolean {
  const info = classes.get(cls);
  if (info === undefined) return Function.prototype[Symbol.hasInstance].call(cls, value);
  return (
    typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[info.brand] === true
  );
}

brand(ContainerdError, "ContainerdError", "UNKNOWN", 500);
