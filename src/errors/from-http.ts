import {
  ConflictError,
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
import type { ContainerdError, ContainerdErrorOptions } from "./containerd-error.js";

type ErrorClass = new (message: string, options: ContainerdErrorOptions) => ContainerdError;

// The same table as containerd's errdefs/pkg/http ToNative.
const BY_STATUS: ReadonlyMap<number, ErrorClass> = new Map<number, ErrorClass>([
  [304, NotModifiedError],
  [400, InvalidArgumentError as ErrorClass],
  [401, UnauthenticatedError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [409, ConflictError],
  [412, FailedPreconditionError],
  [429, ResourceExhaustedError],
  [500, InternalError],
  [501, NotImplementedError],
  [503, UnavailableError],
]);

/**
 * The error for an HTTP failure outside gRPC, such as a registry response during a pull. The class
 * follows containerd's HTTP mapping (404 is a NotFoundError, any unlisted status an UnknownError), and
 * `statusCode()` returns `status` itself, so a registry's 502 is still 502.
 */
export function fromHttpStatus(
  status: number,
  message: string,
  options: Omit<ContainerdErrorOptions, "statusCode"> = {},
): ContainerdError {
  const cls = BY_STATUS.get(status) ?? UnknownError;
  return new cls(message, { ...options, statusCode: status });
}
