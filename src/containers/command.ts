/**
 * A container's command line from `entrypoint` and `args`, over an image's Entrypoint and Cmd, the
 * way `docker run` combines them.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/index.js";

/** The parts of an image config that make its default command. */
export interface ImageCommand {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
}

/**
 * @internal The argv to run, or undefined to leave the spec's own: `args` alone when neither
 * `entrypoint` nor an image is given. Otherwise `entrypoint` (else the image's Entrypoint) followed
 * by `args` (else the image's Cmd, which a given `entrypoint` drops, as `docker run --entrypoint`
 * does). An empty result is an InvalidArgumentError naming `args`.
 */
export function commandArgs(
  options: { entrypoint?: string[]; args?: string[] },
  image?: { name: string; config: ImageCommand },
): string[] | undefined {
  const { entrypoint, args } = options;
  if (entrypoint === undefined && image === undefined) return args;
  const head = entrypoint ?? image?.config.Entrypoint ?? [];
  const tail = args ?? (entrypoint === undefined ? image?.config.Cmd : undefined) ?? [];
  const argv = [...head, ...tail];
  if (argv.length === 0) {
    const what = image ? `image "${image.name}" has no entrypoint or cmd` : "entrypoint is empty";
    throw new InvalidArgumentError(`args: ${what}; pass args`, { field: "args" });
  }
  return argv;
}
