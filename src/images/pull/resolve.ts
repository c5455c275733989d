import { InvalidArgumentError } from "../../errors/index.js";
import { type Descriptor, isDigest, sha256Digest } from "../descriptor.js";
import { MAX_METADATA_BYTES } from "../manifest.js";
import { MediaType } from "../media-types.js";
import { type RegistryClient, readBody } from "./registry.js";

/** The manifest types a pull asks for, as containerd's resolver does. */
const ACCEPT = [
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.ociIndex,
  "*/*",
].join(", ");

/**
 * The descriptor a tag or digest names: HEAD the manifest, or GET it when HEAD gives no sha256
 * digest or no size (or is not allowed). Schema 1 manifests are refused.
 * @internal
 */
export async function resolve(
  registry: RegistryClient,
  tagOrDigest: string,
  signal: AbortSignal | undefined,
): Promise<Descriptor> {
  const path = `/manifests/${tagOrDigest}`;
  const headers = { Accept: ACCEPT };
  const head = await registry.fetch(path, { method: "HEAD", headers, signal, okStatuses: [405] });
  const said = head.headers.get("docker-content-digest");
  let desc: Descriptor = {
    mediaType: mediaTypeOf(head),
    digest: isDigest(said) ? said : isDigest(tagOrDigest) ? tagOrDigest : "",
    size: Number(head.headers.get("content-length") ?? 0),
  };
  if (head.status === 405 || !desc.digest || !desc.size) {
    const res = await registry.fetch(path, { headers, signal });
    const body = await readBody(res, MAX_METADATA_BYTES, `manifest ${tagOrDigest}`);
    desc = { mediaType: mediaTypeOf(res), digest: sha256Digest(body), size: body.length };
  }
  if (desc.mediaType === MediaType.dockerSchema1Signed || desc.mediaType === "text/plain") {
    throw new InvalidArgumentError(`manifest ${tagOrDigest}: schema 1 manifests are not supported`);
  }
  if (!desc.size) throw new InvalidArgumentError(`manifest ${tagOrDigest}: registry reports a size of zero`);
  return desc;
}

function mediaTypeOf(res: Response): string {
  return (res.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
}
