import { checkCallOptions, type OperationOptions } from "../base/call-options.js";
import { withDeadline } from "../base/deadline.js";
import { errno, fileError } from "./errors.js";
import { checkContainerPath } from "./options.js";
import { openFile, type Resolved, resolveInRoot } from "./resolve.js";
import { type ContainerFiles, openContainerRoot } from "./root.js";

/** @internal A path of the container, resolved and existing, with its root held open. */
export interface OpenedPath {
  readonly place: Resolved & { readonly stat: NonNullable<Resolved["stat"]> };
  /** Lets go of the directories, the root and any mount. */
  close(): Promise<void>;
}

/**
 * @internal Opens the container's root for reading and resolves `path` in it (a symlink as its
 * last component followed only with `followLast`). A missing path is a NotFoundError naming it.
 */
export async function openPath(
  files: ContainerFiles,
  path: string,
  followLast: boolean,
  signal: AbortSignal | undefined,
): Promise<OpenedPath> {
  const root = await openContainerRoot(files, "read", { signal });
  let place: Resolved | undefined;
  try {
    place = await resolveInRoot(root.dir, path, { followLast, makeParents: false });
    if (!place.stat) throw errno("ENOENT", path);
    const resolved = place as OpenedPath["place"];
    return { place: resolved, close: () => resolved.close().finally(() => root.close()) };
  } catch (err) {
    await place?.close();
    await root.close();
    throw fileError(err, "path", path, files.info.id);
  }
}

/** @internal `container.readFile`: the regular file at `path` (symlinks followed inside the root). */
export async function readFile(
  files: ContainerFiles,
  path: string,
  options?: OperationOptions,
): Promise<Buffer> {
  checkContainerPath("path", path);
  const checked = checkCallOptions(options);
  return withDeadline(`read of "${path}" in container "${files.info.id}"`, checked, async (signal) => {
    const { place, close } = await openPath(files, path, true, signal);
    try {
      const file = await openFile(place.dir, place.name, place.stat);
      try {
        return await file.readFile({ signal });
      } finally {
        await file.close();
      }
    } catch (err) {
      throw fileError(err, "path", path, files.info.id);
    } finally {
      await close();
    }
  });
}
