import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Debian's own archive: the mirror when the machine names none for the suite. */
const DEFAULT_MIRROR = "http://deb.debian.org/debian";

/** @internal This machine's Debian suite: `VERSION_CODENAME` in /etc/os-release. */
export async function machineSuite(osRelease = "/etc/os-release"): Promise<string> {
  const text = await readFile(osRelease, "utf8").catch(() => "");
  const suite = codename(text);
  if (suite === undefined) {
    throw new Error(`containerd-sdk/testing: no VERSION_CODENAME in ${osRelease}; pass options.suite`);
  }
  return suite;
}

/** @internal `VERSION_CODENAME` of an os-release file's text. */
export function codename(osRelease: string): string | undefined {
  const m = /^VERSION_CODENAME=["']?([^"'\s]+)["']?$/m.exec(osRelease);
  return m?.[1];
}

/**
 * @internal The URI of this machine's first apt source (`/etc/apt/sources.list`, then
 * `sources.list.d/*.list` and `*.sources`) that serves `suite`; Debian's archive when none does.
 */
export async function machineMirror(suite: string, aptDir = "/etc/apt"): Promise<string> {
  const dir = join(aptDir, "sources.list.d");
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  const files = [join(aptDir, "sources.list"), ...names.map((n) => join(dir, n))];
  for (const file of files) {
    const text = await readFile(file, "utf8").catch(() => "");
    const uri = file.endsWith(".sources") ? deb822Mirror(text, suite) : oneLineMirror(text, suite);
    if (uri !== undefined) return uri.replace(/\/+$/, "");
  }
  return DEFAULT_MIRROR;
}

/** @internal The first `deb` URI for `suite` in a one-line-style sources.list. */
export function oneLineMirror(text: string, suite: string): string | undefined {
  for (const line of text.split("\n")) {
    const words = line
      .replace(/#.*/, "")
      .replace(/\[[^\]]*\]/, "")
      .trim()
      .split(/\s+/);
    if (words[0] === "deb" && words[2] === suite && words[1]) return words[1];
  }
  return undefined;
}

/** @internal The first URI for `suite` in a deb822 `.sources` file. */
export function deb822Mirror(text: string, suite: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string[]>();
    for (const m of stanza.matchAll(/^([A-Za-z-]+):[ \t]*(.*)$/gm)) {
      fields.set((m[1] ?? "").toLowerCase(), (m[2] ?? "").trim().split(/\s+/));
    }
    if (fields.get("enabled")?.[0] === "no") continue;
    if (!fields.get("types")?.includes("deb") || !fields.get("suites")?.includes(suite)) continue;
    const uri = fields.get("uris")?.[0];
    if (uri) return uri;
  }
  return undefined;
}
