/**
 * Typed containerd errors: the classes, the gRPC and HTTP mappings, and predicates that look through
 * wrapping errors.
 *
 * @module
 */
export {
  AbortedError,
  AlreadyExistsError,
  CanceledError,
  ConflictError,
  DataLossError,
  DeadlineExceededError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  type InvalidArgumentErrorOptions,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
  UnknownError,
} from "./classes.js";
export { type GrpcCodeName, grpcCodeName, grpcStatus } from "./codes.js";
export { ContainerdError, type ContainerdErrorOptions } from "./containerd-error.js";
export { fromGrpcError, type GrpcErrorContext } from "./from-grpc.js";
export { fromHttpStatus } from "./from-http.js";
export {
  findContainerdError,
  isAbortError,
  isAbortedByServer,
  isAlreadyExists,
  isCanceled,
  isConflict,
  isContainerdError,
  isDataLoss,
  isDeadlineExceeded,
  isFailedPrecondition,
  isInternal,
  isInvalidArgument,
  isNotFound,
  isNotImplemented,
  isNotModified,
  isPermissionDenied,
  isResourceExhausted,
  isUnauthenticated,
  isUnavailable,
  isUnknown,
} from "./predicates.js";
