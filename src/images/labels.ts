/** Labels containerd's garbage collector and the Go client read. @internal */
export const Label = {
  /** On a lease: RFC 3339 time after which it protects nothing. */
  gcExpire: "containerd.io/gc.expire",
  /** On content or a snapshot: never collect. */
  gcRoot: "containerd.io/gc.root",
  /** Prefix of content references (`…content.config`, `…content.l.<i>`, `…content.m.<i>`). */
  gcRefContent: "containerd.io/gc.ref.content",
  /** Prefix of snapshot references: `containerd.io/gc.ref.snapshot.<snapshotter>`. */
  gcRefSnapshot: "containerd.io/gc.ref.snapshot",
  /** On a layer blob: the digest of its uncompressed tar (its diff ID). */
  uncompressed: "containerd.io/uncompressed",
  /** On an unpacked snapshot: the chain ID it holds. */
  snapshotRef: "containerd.io/snapshot.ref",
  /** On an index entry: the full image name. */
  imageName: "io.containerd.image.name",
  /** On an index entry: the tag (or full reference) of the image. */
  ociRefName: "org.opencontainers.image.ref.name",
} as const;

/**
 * @internal The label naming the repositories a blob came from on registry `domain` (port dropped, as
 * containerd writes it): pull sets it, push reads it to mount a blob instead of uploading it.
 */
export function distributionSourceLabel(domain: string): string {
  return `containerd.io/distribution.source.${domain.replace(/:\d+$/, "")}`;
}
