import { isAbortError } from "abort-controller-x";
import { ClientError, Status } from "nice-grpc-common";
import {
  AbortedError,
  AlreadyExistsError,
  CanceledError,
  ConflictError,
  DataLossError,
  DeadlineExceededError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
  UnknownError,
} from "./classes.js";
import { grpcCodeName } from "./codes.js";
import { ContainerdError, type ContainerdErrorOptions } from "./containerd-error.js";

/** Where a failed call went; kept on the error for logs, never added to its message. */
export interface GrpcErrorContext {
  /** The containerd address, e.g. `unix:///run/containerd/containerd.sock`. */
  address?: string;
  /** The RPC, e.g. `/containerd.services.containers.v1.Containers/Get`; defaults to the error's path. */
  method?: string;
}

/** What the mapping needs from a nice-grpc `ClientError`, from this copy of nice-grpc or another. */
export interface ClientErrorLike {
  code: number;
  details: string;
  path?: string;
}

type ErrorClass = new (message: string, options: ContainerdErrorOptions) => ContainerdError;

/** A class and the text containerd appends for it. */
type Kind = readonly [ErrorClass, string];

// Its options narrow `code` to the two codes this table gives it.
const InvalidArgument = InvalidArgumentError as ErrorClass;

// For each code: the class, and the text containerd's errdefs appends for it (`errdefs.ErrNotFound`
// prints "not found", context.Canceled prints "context canceled", …). FAILED_PRECONDITION is split by
// its suffix first, like errgrpc.ToNative does.
const BY_CODE: ReadonlyMap<number, Kind> = new Map<number, Kind>([
  [Status.CANCELLED, [CanceledError, "context canceled"]],
  [Status.UNKNOWN, [UnknownError, "unknown"]],
  [Status.INVALID_ARGUMENT, [InvalidArgument, "invalid argument"]],
  [Status.DEADLINE_EXCEEDED, [DeadlineExceededError, "context deadline exceeded"]],
  [Status.NOT_FOUND, [NotFoundError, "not found"]],
  [Status.ALREADY_EXISTS, [AlreadyExistsError, "already exists"]],
  [Status.PERMISSION_DENIED, [PermissionDeniedError, "permission denied"]],
  [Status.RESOURCE_EXHAUSTED, [ResourceExhaustedError, "resource exhausted"]],
  [Status.FAILED_PRECONDITION, [FailedPreconditionError, "failed precondition"]],
  [Status.ABORTED, [AbortedError, "aborted"]],
  [Status.OUT_OF_RANGE, [InvalidArgument, "out of range"]],
  [Status.UNIMPLEMENTED, [NotImplementedError, "not implemented"]],
  [Status.INTERNAL, [InternalError, "internal"]],
  [Status.UNAVAILABLE, [UnavailableError, "unavailable"]],
  [Status.DATA_LOSS, [DataLossError, "data loss"]],
  [Status.UNAUTHENTICATED, [UnauthenticatedError, "unauthorized"]],
]);

const PRECONDITION_KINDS: readonly Kind[] = [
  [ConflictError, "conflict"],
  [NotModifiedError, "not modified"],
];

/**
 * True for a nice-grpc `ClientError`, including one from another installed copy of nice-grpc, whose
 * class `instanceof` would not recognise.
 */
export function isClientErrorLike(err: unknown): err is ClientErrorLike {
  if (err instanceof ClientError) return true;
  if (typeof err !== "object" || err === null) return false;
  const { code, details } = err as Partial<Record<string, unknown>>;
  return Number.isInteger(code) && typeof details === "string";
}

/** Whether `details` is containerd's `<context>: <suffix>` or the bare suffix. */
function endsWithClass(details: string, suffix: string): boolean {
  return details === suffix || details.endsWith(`: ${suffix}`);
}

/**
 * Classifies a gRPC client error. The message drops containerd's trailing class text, as errdefs'
 * rebaseMessage does (every repeat of it), but stays whole when it is nothing but that text.
 */
export function classifyClientError(err: ClientErrorLike, context: GrpcErrorContext = {}): ContainerdError {
  let [cls, suffix] = BY_CODE.get(err.code) ?? [UnknownError, "unknown"];
  if (err.code === Status.FAILED_PRECONDITION) {
    const kind = PRECONDITION_KINDS.find(([, text]) => endsWithClass(err.details, text));
    if (kind !== undefined) [cls, suffix] = kind;
  }
  // containerd sometimes wraps a class error twice ("…: invalid argument: invalid argument").
  let message = err.details;
  while (message.endsWith(`: ${suffix}`)) message = message.slice(0, -(suffix.length + 2));
  if (message === "") message = suffix;
  const name = grpcCodeName(err.code);
  const options: ContainerdErrorOptions = { cause: err };
  // An out-of-table code (or OK, which is no error) is reported as UNKNOWN rather than invented.
  if (name !== undefined && name !== "OK") options.code = name;
  const method = context.method ?? (typeof err.path === "string" ? err.path : undefined);
  if (method !== undefined) options.method = method;
  if (context.address !== undefined) options.address = context.address;
  return new cls(message, options);
}

/**
 * Turns what a nice-grpc call rejected with into the matching {@link ContainerdError} subclass, with
 * the `ClientError` as its `cause`. A caller's `AbortError`, an error that is already a
 * ContainerdError, and anything that is not a gRPC error are returned unchanged, so it is safe to use
 * as a blanket `catch (err) { throw fromGrpcError(err, …) }`.
 */
export function fromGrpcError(err: unknown, context?: GrpcErrorContext): unknown {
  if (err instanceof ContainerdError || isAbortError(err) || !isClientErrorLike(err)) return err;
  return classifyClientError(err, context);
}
