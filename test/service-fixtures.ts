// Images and checks for the test toolkit's tests (startService): busybox images built with umoci
// and imported into the file's daemon, and what a service may leave behind.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { before } from "node:test";
import { filters } from "../src/index.js";
import { type BuildImageOptions, buildBusyboxImage, SESSION_LABEL, sessionId } from "../src/testing/index.js";
import type { Daemon } from "./fixtures.js";

/** Builds a busybox image and imports it into the daemon; resolves with its name there. */
export async function importBusybox(
  d: Daemon,
  tag: string,
  options: BuildImageOptions = {},
): Promise<string> {
  await using built = await buildBusyboxImage({ ...options, parentDir: d.ctr.dir });
  const tar = join(d.ctr.dir, `${tag}.tar`);
  await built.writeOciArchive(tar, `svc/busybox:${tag}`);
  const [image] = await d.client.images.import(tar);
  await rm(tar, { force: true });
  if (!image) throw new Error("the import gave no image");
  return image.name;
}

/** A busybox image in the file's daemon, imported before its tests; `.name` once they run. */
export function useBusyboxImage(d: Daemon, tag = "plain", options: BuildImageOptions = {}): { name: string } {
  const image = { name: "" };
  before(async () => {
    image.name = await importBusybox(d, tag, options);
  });
  return image;
}

/** What is left of container `id` in the daemon and its network state: [] when nothing. */
export async function leftoversOf(d: Daemon, id: string): Promise<string[]> {
  const left: string[] = [];
  const containers = await d.client.containers.list({ filters: [`id==${id}`] });
  if (containers.length > 0) left.push(`container ${id}`);
  const snapshots = await d.client.snapshots().list();
  if (snapshots.some((s) => s.name === id)) left.push(`snapshot ${id}`);
  const attachments = await d.client.networks.attachments();
  if (attachments.some((a) => a.containerId === id)) left.push(`network attachment ${id}`);
  return left;
}

/** The containers this process's session has in the daemon. */
export async function sessionContainers(d: Daemon): Promise<string[]> {
  const list = await d.client.containers.list({ filters: [filters.label(SESSION_LABEL, sessionId())] });
  return list.map((c) => c.id);
}

/** The networks this process's session has in the daemon's network state. */
export async function sessionNetworks(d: Daemon): Promise<string[]> {
  const list = await d.client.networks.list();
  return list.filter((n) => n.labels[SESSION_LABEL] === sessionId()).map((n) => n.name);
}
