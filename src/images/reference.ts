import { InvalidArgumentError } from "../errors/index.js";

/** A parsed, normalised image reference: `docker.io/library/busybox:latest`. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `127.0.0.1:5000`. */
  domain: string;
  /** Repository path, e.g. `library/busybox`. */
  path: string;
  /** Tag, when the reference names one and no digest. */
  tag?: string;
  /** `sha256:…`, when the reference names one. */
  digest?: string;
  /** `domain/path`. */
  repository: string;
  /** The full normalised reference, as containerd names images. */
  name: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

/** Docker Hub's canonical host. */
export const DOCKER_HUB = "docker.io";

function invalid(ref: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`reference: "${ref}" ${why}`, { field: "reference" });
}

/**
 * Parses an image reference as Docker and containerd do and normalises it: `busybox` is
 * `docker.io/library/busybox:latest`, `index.docker.io/u/r` is `docker.io/u/r:latest`, and a tag
 * beside a digest is dropped. Throws InvalidArgumentError (field `reference`) naming the problem.
 */
export function parseReference(ref: string): ImageReference {
  if (typeof ref !== "string") {
    throw new InvalidArgumentError(`reference: must be a string, not ${ref === null ? "null" : typeof ref}`, {
      field: "reference",
    });
  }
  if (ref === "") throw invalid(ref, "is empty");
  if (ref.length > 4096) throw invalid(`${ref.slice(0, 40)}…`, "is too long");
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(ref, `has a malformed digest "${digest}"`);
    if (digest.startsWith("sha256:") && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw invalid(ref, `has a malformed sha256 digest "${digest}"`);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(ref, `has a malformed tag "${tag}"`);
  }
  if (rest === "") throw invalid(ref, "has no repository");
  const slash = rest.indexOf("/");
  let domain = DOCKER_HUB;
  let path = rest;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (
      first.includes(".") ||
      first.includes(":") ||
      first === "localhost" ||
      first !== first.toLowerCase()
    ) {
      if (!DOMAIN.test(first)) throw invalid(ref, `has a malformed registry host "${first}"`);
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (domain === "index.docker.io") domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !path.includes("/")) path = `library/${path}`;
  for (const component of path.split("/")) {
    if (component !== component.toLowerCase()) throw invalid(ref, "has an uppercase repository name");
    if (!COMPONENT.test(component)) throw invalid(ref, `has a malformed path component "${component}"`);
  }
  const repository = `${domain}/${path}`;
  if (repository.length > 255) throw invalid(ref, "has a repository name over 255 characters");
  if (digest !== undefined) tag = undefined;
  else tag ??= "latest";
  const name = digest ? `${repository}@${digest}` : `${repository}:${tag}`;
  const out: ImageReference = { domain, path, repository, name };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** The normalised name of `ref` (`busybox` → `docker.io/library/busybox:latest`). */
export function normalizeReference(ref: string): string {
  return parseReference(ref).name;
}

/** The short form Docker shows: `docker.io/library/busybox:1` → `busybox:1`. @internal */
export function familiarName(name: string): string {
  let out = name;
  if (out.startsWith(`${DOCKER_HUB}/`)) out = out.slice(DOCKER_HUB.length + 1);
  if (out.startsWith("library/") && !out.slice(8).includes("/")) out = out.slice(8);
  return out;
}
