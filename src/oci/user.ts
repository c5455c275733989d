/**
 * Numeric user parsing.
 *
 * @module
 */
import { checkInteger, invalid } from "../base/validate.js";

const MAX_ID = 2 ** 32 - 1;

/**
 * Parses `user` into uid and gid: a number is a uid with gid 0, a string is `"uid"` or
 * `"uid:gid"` in decimal. User and group names are rejected: resolving them needs the
 * container's `/etc/passwd`, which this pure step never reads (see `resolveUser`, which
 * `containers.create` and `task.exec` use when the rootfs is a path). gid 0 for a bare uid is
 * what containerd's `WithUserID` falls back to when the image has no passwd entry.
 */
export function parseUser(user: unknown, field = "user"): { uid: number; gid: number } {
  if (typeof user === "number") return { uid: checkInteger(field, user, 0, MAX_ID), gid: 0 };
  if (typeof user !== "string")
    throw invalid(field, user, 'must be a uid number or a "uid" / "uid:gid" string');
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!match) {
    throw invalid(
      field,
      user,
      'must be a numeric "uid" or "uid:gid" here (user and group names are not resolved without a rootfs path to read /etc/passwd from)',
    );
  }
  const uid = checkInteger(field, Number(match[1]), 0, MAX_ID);
  const gid = match[2] === undefined ? 0 : checkInteger(field, Number(match[2]), 0, MAX_ID);
  return { uid, gid };
}
