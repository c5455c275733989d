import type { RawServices } from "../../rpc/services.js";

/** One answer per connection: the daemon behind it does not change while it stays up. */
const majors = new WeakMap<RawServices, Promise<number>>();

/**
 * @internal The major version of the daemon behind `services` (`v2.1.9`, `2.1.9+unknown` → 2),
 * which decides what its Transfer service can do: 2.0 brought plain-HTTP registries
 * (`default_scheme`), and is where `ctr` pulls through it by default. One Version call per
 * connection; a failed call is asked again.
 */
export function daemonMajor(services: RawServices, namespace: string): Promise<number> {
  let major = majors.get(services);
  if (!major) {
    major = services.version
      .version({}, { namespace })
      .then(({ version }) => Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0));
    majors.set(services, major);
    major.catch(() => majors.delete(services));
  }
  return major;
}
