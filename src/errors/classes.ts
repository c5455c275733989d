import { brand, ContainerdError, type ContainerdErrorOptions } from "./containerd-error.js";

/**
 * The object the request names does not exist. gRPC `NOT_FOUND`, HTTP 404.
 */
export class NotFoundError extends ContainerdError {
  static {
    brand(NotFoundError, "NotFoundError", "NOT_FOUND", 404);
  }
}

/**
 * An object with that id or name already exists. gRPC `ALREADY_EXISTS`, HTTP 409.
 */
export class AlreadyExistsError extends ContainerdError {
  static {
    brand(AlreadyExistsError, "AlreadyExistsError", "ALREADY_EXISTS", 409);
  }
}

/**
 * The change conflicts with the object's current state (containerd's `errdefs.ErrConflict`). gRPC
 * `FAILED_PRECONDITION` with a message ending `: conflict`, HTTP 409. Not a {@link FailedPreconditionError}:
 * containerd tells the two apart and so do the predicates.
 */
export class ConflictError extends ContainerdError {
  static {
    brand(ConflictError, "ConflictError", "FAILED_PRECONDITION", 409);
  }
}

/**
 * Nothing changed because the object already is as requested (containerd's `errdefs.ErrNotModified`).
 * gRPC `FAILED_PRECONDITION` with a message ending `: not modified`, HTTP 304.
 */
export class NotModifiedError extends ContainerdError {
  static {
    brand(NotModifiedError, "NotModifiedError", "FAILED_PRECONDITION", 304);
  }
}

/**
 * The object is not in a state that allows the operation, e.g. deleting a running task. gRPC
 * `FAILED_PRECONDITION` (neither conflict nor not modified), HTTP 412. Retrying is pointless until the
 * state changes.
 */
export class FailedPreconditionError extends ContainerdError {
  static {
    brand(FailedPreconditionError, "FailedPreconditionError", "FAILED_PRECONDITION", 412);
  }
}

/** Options for {@link InvalidArgumentError}. */
export interface InvalidArgumentErrorOptions extends Omit<ContainerdErrorOptions, "code"> {
  /** `OUT_OF_RANGE` when the server said so; the class is the same. */
  code?: "INVALID_ARGUMENT" | "OUT_OF_RANGE";
  /** The input that was rejected, e.g. `"id"` or `"signal"`, when known. */
  field?: string;
}

/**
 * The request itself is wrong: a malformed id, an unknown signal, an out-of-range value. Raised before
 * any RPC for input the SDK can check, and for gRPC `INVALID_ARGUMENT` and `OUT_OF_RANGE` (the code is
 * kept). HTTP 400.
 */
export class InvalidArgumentError extends ContainerdError {
  /** The input that was rejected, when known. */
  declare readonly field?: string;

  constructor(message: string, options: InvalidArgumentErrorOptions = {}) {
    super(message, options);
    if (options.field !== undefined) this.field = options.field;
  }

  static {
    brand(InvalidArgumentError, "InvalidArgumentError", "INVALID_ARGUMENT", 400);
  }
}

/**
 * The caller may not perform the operation. gRPC `PERMISSION_DENIED`, HTTP 403.
 */
export class PermissionDeniedError extends ContainerdError {
  static {
    brand(PermissionDeniedError, "PermissionDeniedError", "PERMISSION_DENIED", 403);
  }
}

/**
 * Credentials are missing or were rejected, e.g. by a registry during a pull. gRPC `UNAUTHENTICATED`,
 * HTTP 401.
 */
export class UnauthenticatedError extends ContainerdError {
  static {
    brand(UnauthenticatedError, "UnauthenticatedError", "UNAUTHENTICATED", 401);
  }
}

/**
 * A limit ran out: a quota, message size, disk space. gRPC `RESOURCE_EXHAUSTED`, HTTP 429.
 */
export class ResourceExhaustedError extends ContainerdError {
  static {
    brand(ResourceExhaustedError, "ResourceExhaustedError", "RESOURCE_EXHAUSTED", 429);
  }
}

/**
 * containerd (or a service behind it) cannot be reached right now; worth retrying with backoff. gRPC
 * `UNAVAILABLE`, HTTP 503.
 */
export class UnavailableError extends ContainerdError {
  static {
    brand(UnavailableError, "UnavailableError", "UNAVAILABLE", 503);
  }
}

/**
 * The daemon, runtime or plugin does not support the operation (often an older containerd). gRPC
 * `UNIMPLEMENTED`, HTTP 501.
 */
export class NotImplementedError extends ContainerdError {
  static {
    brand(NotImplementedError, "NotImplementedError", "UNIMPLEMENTED", 501);
  }
}

/**
 * The server reports the call as cancelled. A caller's own aborted `signal` is not this: it rejects with
 * the platform's `AbortError`. gRPC `CANCELLED`, HTTP 499.
 */
export class CanceledError extends ContainerdError {
  static {
    brand(CanceledError, "CanceledError", "CANCELLED", 499);
  }
}

/**
 * The call's deadline passed, either the server's or a `timeout` option. gRPC `DEADLINE_EXCEEDED`,
 * HTTP 504.
 */
export class DeadlineExceededError extends ContainerdError {
  static {
    brand(DeadlineExceededError, "DeadlineExceededError", "DEADLINE_EXCEEDED", 504);
  }
}

/**
 * The server gave up on the operation because of a concurrent change; retry the whole sequence. gRPC
 * `ABORTED`, HTTP 409.
 */
export class AbortedError extends ContainerdError {
  static {
    brand(AbortedError, "AbortedError", "ABORTED", 409);
  }
}

/**
 * A broken invariant inside containerd or the transport. gRPC `INTERNAL`, HTTP 500.
 */
export class InternalError extends ContainerdError {
  static {
    brand(InternalError, "InternalError", "INTERNAL", 500);
  }
}

/**
 * Unrecoverable data loss or corruption, e.g. content that does not match its digest. gRPC
 * `DATA_LOSS`, HTTP 500.
 */
export class DataLossError extends ContainerdError {
  static {
    brand(DataLossError, "DataLossError", "DATA_LOSS", 500);
  }
}

/**
 * A failure containerd did not classify, or a status outside the gRPC codes. gRPC `UNKNOWN`, HTTP 500.
 */
export class UnknownError extends ContainerdError {
  static {
    brand(UnknownError, "UnknownError", "UNKNOWN", 500);
  }
}
