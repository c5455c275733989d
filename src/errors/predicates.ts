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
import { ContainerdError } from "./containerd-error.js";
import { classifyClientError, isClientErrorLike } from "./from-grpc.js";

/**
 * The outermost classified error in `err`'s `cause` chain: `err` itself if it is a ContainerdError,
 * else the first one its causes lead to. A raw nice-grpc `ClientError` on the way counts, classified
 * as {@link fromGrpcError} would. Callers can therefore wrap errors freely, while an error that
 * re-classifies another (a ConflictError caused by a NotFoundError) keeps its own meaning.
 * Cause cycles end the walk.
 */
export function findContainerdError(err: unknown): ContainerdError | undefined {
  const seen = new Set<object>();
  let current = err;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    if (current instanceof ContainerdError) return current;
    if (isClientErrorLike(current)) return classifyClientError(current);
    seen.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

type ErrorClass = abstract new (...args: never[]) => ContainerdError;

function classIs(cls: ErrorClass): (err: unknown) => boolean {
  return (err) => findContainerdError(err) instanceof cls;
}

/** True when `err` is, or wraps, a containerd failure; {@link findContainerdError} returns it. */
export const isContainerdError = classIs(ContainerdError);
/** True when the outermost classified error in `err`'s cause chain is a {@link NotFoundError}. */
export const isNotFound = classIs(NotFoundError);
/** True when the outermost classified error in `err`'s cause chain is an {@link AlreadyExistsError}. */
export const isAlreadyExists = classIs(AlreadyExistsError);
/** True when the outermost classified error in `err`'s cause chain is a {@link ConflictError}. */
export const isConflict = classIs(ConflictError);
/** True when the outermost classified error in `err`'s cause chain is a {@link NotModifiedError}. */
export const isNotModified = classIs(NotModifiedError);
/**
 * True when the outermost classified error in `err`'s cause chain is a {@link FailedPreconditionError}.
 * False for ConflictError and NotModifiedError although they share the gRPC code: containerd's
 * `errdefs.IsFailedPrecondition` goes by class too. Check `err.code` for the raw code.
 */
export const isFailedPrecondition = classIs(FailedPreconditionError);
/** True when the outermost classified error in `err`'s cause chain is an {@link InvalidArgumentError}. */
export const isInvalidArgument = classIs(InvalidArgumentError);
/** True when the outermost classified error in `err`'s cause chain is a {@link PermissionDeniedError}. */
export const isPermissionDenied = classIs(PermissionDeniedError);
/** True when the outermost classified error in `err`'s cause chain is an {@link UnauthenticatedError}. */
export const isUnauthenticated = classIs(UnauthenticatedError);
/** True when the outermost classified error in `err`'s cause chain is a {@link ResourceExhaustedError}. */
export const isResourceExhausted = classIs(ResourceExhaustedError);
/** True when the outermost classified error in `err`'s cause chain is an {@link UnavailableError}. */
export const isUnavailable = classIs(UnavailableError);
/** True when the outermost classified error in `err`'s cause chain is a {@link NotImplementedError}. */
export const isNotImplemented = classIs(NotImplementedError);
/**
 * True when the outermost classified error in `err`'s cause chain is a {@link CanceledError}, i.e. the
 * server cancelled. A caller's own abort is an `AbortError`: test it with {@link isAbortError}.
 */
export const isCanceled = classIs(CanceledError);
/** True when the outermost classified error in `err`'s cause chain is a {@link DeadlineExceededError}. */
export const isDeadlineExceeded = classIs(DeadlineExceededError);
/**
 * True when the outermost classified error in `err`'s cause chain is an {@link AbortedError}: containerd
 * (gRPC `ABORTED`) gave up on the operation because of a concurrent change. Not the caller's own
 * abort: that is {@link isAbortError}.
 */
export const isAbortedByServer = classIs(AbortedError);
/** True when the outermost classified error in `err`'s cause chain is an {@link InternalError}. */
export const isInternal = classIs(InternalError);
/** True when the outermost classified error in `err`'s cause chain is a {@link DataLossError}. */
export const isDataLoss = classIs(DataLossError);
/** True when the outermost classified error in `err`'s cause chain is an {@link UnknownError}. */
export const isUnknown = classIs(UnknownError);

/**
 * True when `err` is how a call ends once the caller's own `signal` aborts: an `AbortError` (the
 * platform's DOMException, or abort-controller-x's, which nice-grpc throws) or the `TimeoutError` of
 * `AbortSignal.timeout()`, itself or in the `cause` chain above any containerd error. Never true for a
 * {@link ContainerdError}: containerd's own ABORTED is {@link isAbortedByServer}.
 */
export function isAbortError(err: unknown): boolean {
  const seen = new Set<object>();
  let current = err;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    if (current instanceof ContainerdError) return false;
    const { name } = current as { name?: unknown };
    if (name === "AbortError" || (name === "TimeoutError" && current instanceof DOMException)) return true;
    seen.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
