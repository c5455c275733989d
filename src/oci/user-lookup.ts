/**
 * Resolving a user string (`"www-data"`, `"www-data:staff"`, `"33:staff"`, `"33"`) against a
 * root filesystem's own `/etc/passwd` and `/etc/group`, as containerd's `WithUser` followed by
 * `WithAdditionalGIDs` does for an image's `User`. Only reads files: the caller supplies the
 * directory (a rootfs path, or an image snapshot it has mounted read-only).
 *
 * @module
 */
import { checkAbsolutePath, checkString } from "../base/validate.js";
import { InvalidArgumentError, NotFoundError } from "../errors/index.js";
import { type GroupEntry, type PasswdEntry, readGroup, readPasswd } from "./user-files.js";

/** A user as the OCI spec's `process.user` wants it. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  /** The primary gid first, then the groups listing the user as a member in `/etc/group`. */
  additionalGids: number[];
}

/** runc refuses ids above this; containerd's WithUser treats larger numbers as names. */
const MAX_ID = 2 ** 31 - 1;

function numericId(part: string): number | undefined {
  if (!/^\d+$/.test(part)) return undefined;
  const id = Number(part);
  return id <= MAX_ID ? id : undefined;
}

/**
 * Resolves `user` inside the root filesystem at `rootfsDir` (a host path):
 *
 * - `"name"`: uid and gid from `/etc/passwd`; NotFoundError naming it when absent.
 * - `"uid"`: the gid from the passwd entry with that uid, or 0 when there is none (as
 *   containerd's `WithUserID`).
 * - `"user:group"`, each part a name or a number: names are looked up (NotFoundError when
 *   absent), numbers are used as they are.
 *
 * `additionalGids` are the groups in `/etc/group` that list the user (found by its uid) as a
 * member, with the primary gid first, as containerd's `WithAdditionalGIDs` computes them.
 * Malformed input (empty, more than one `:`) is an InvalidArgumentError with field `user`.
 */
export async function resolveUser(rootfsDir: string, user: string): Promise<ResolvedUser> {
  checkAbsolutePath("rootfsDir", rootfsDir);
  checkString("user", user);
  const parts = user.split(":");
  if (parts.length > 2 || parts.some((part) => part === "")) {
    throw new InvalidArgumentError(
      `user: ${JSON.stringify(user)} must be "name", "uid", "name:group" or "uid:gid" (names or numbers)`,
      { field: "user" },
    );
  }
  let passwd: Promise<PasswdEntry[] | undefined> | undefined;
  const users = () => {
    passwd ??= readPasswd(rootfsDir);
    return passwd;
  };
  const [userPart = "", groupPart] = parts;

  let uid = numericId(userPart);
  let gid: number | undefined;
  if (uid === undefined) {
    const entry = (await users())?.find((u) => u.name === userPart);
    if (!entry) throw notFound("user", userPart, "/etc/passwd", rootfsDir);
    uid = entry.uid;
    gid = entry.gid;
  } else if (groupPart === undefined) {
    const id = uid;
    gid = (await users())?.find((u) => u.uid === id)?.gid ?? 0;
  }

  let groups: GroupEntry[] | undefined;
  if (groupPart !== undefined) {
    gid = numericId(groupPart);
    if (gid === undefined) {
      groups = await readGroup(rootfsDir);
      const entry = groups?.find((g) => g.name === groupPart);
      if (!entry) throw notFound("group", groupPart, "/etc/group", rootfsDir);
      gid = entry.gid;
    }
  }
  const primary = gid ?? 0;
  const resolvedUid = uid;
  const name = (await users())?.find((u) => u.uid === resolvedUid)?.name;
  const supplementary =
    name === undefined
      ? []
      : (groups ?? (await readGroup(rootfsDir)) ?? [])
          .filter((g) => g.name !== name && g.members.includes(name))
          .map((g) => g.gid);
  const additionalGids = supplementary.includes(primary) ? supplementary : [primary, ...supplementary];
  return { uid: resolvedUid, gid: primary, additionalGids };
}

function notFound(kind: string, name: string, file: string, rootfsDir: string): NotFoundError {
  return new NotFoundError(`${kind} "${name}" is not in ${file} of the rootfs ${rootfsDir}`);
}
