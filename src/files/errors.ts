import { isAbortError } from "abort-controller-x";
import {
  AbortedError,
  AlreadyExistsError,
  ContainerdError,
  FailedPreconditionError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnknownError,
} from "../errors/index.js";

/** @internal A Node-style system error the files code throws itself (`ELOOP`, `ENOTDIR` …). */
export function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

type ErrorClass = new (message: string, options: { cause: unknown }) => ContainerdError;

const byCode: Record<string, [ErrorClass, string]> = {
  ENOENT: [NotFoundError, "does not exist"],
  ENOTDIR: [NotFoundError, "does not exist (a component is not a directory)"],
  EISDIR: [FailedPreconditionError, "is a directory"],
  ENOTEMPTY: [FailedPreconditionError, "is a directory that is not empty"],
  ELOOP: [
    FailedPreconditionError,
    "could not be resolved: too many symlinks, or a symlink appeared during the copy",
  ],
  ESTALE: [AbortedError, "changed during the copy; try again"],
  EEXIST: [AlreadyExistsError, "exists and is not a directory"],
  EROFS: [FailedPreconditionError, "is on a read-only filesystem"],
  ENXIO: [FailedPreconditionError, "is not a regular file"],
  EACCES: [PermissionDeniedError, "is not accessible"],
  EPERM: [PermissionDeniedError, "is not accessible"],
  ENOSPC: [ResourceExhaustedError, "does not fit: no space left"],
  EDQUOT: [ResourceExhaustedError, "does not fit: quota exceeded"],
};

/**
 * @internal A filesystem error as a typed one naming `field`, the container path and the container:
 * a missing path is a NotFoundError (404). AbortErrors and typed errors pass through.
 */
export function fileError(err: unknown, field: string, path: string, containerId: string): unknown {
  if (isAbortError(err) || err instanceof ContainerdError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string") return err;
  const [Class, problem] = byCode[code] ?? [UnknownError, `failed (${code})`];
  return new Class(`${field}: "${path}" in container "${containerId}" ${problem}`, { cause: err });
}
