import { type OperationOptions, rawOptions } from "../base/call-options.js";
import type { RawServices } from "../rpc/services.js";

/** One plugin the daemon loaded (or failed to load: `initError`). */
export interface PluginInfo {
  type: string;
  id: string;
  requires: string[];
  platforms: Array<{ os: string; architecture: string; variant: string }>;
  exports: Record<string, string>;
  capabilities: string[];
  /** Why the plugin did not load, when it did not. */
  initError?: string;
}

/** containerd's introspection service: `client.introspection`. */
export class Introspection {
  readonly #services: RawServices;

  /** @internal */
  constructor(services: RawServices) {
    this.#services = services;
  }

  /** The daemon's plugins; `filters` use containerd's filter syntax (`type==io.containerd.snapshotter.v1`). */
  async plugins(options?: OperationOptions & { filters?: string[] }): Promise<PluginInfo[]> {
    const res = await this.#services.introspection.plugins(
      { filters: options?.filters ?? [] },
      rawOptions(options),
    );
    return res.plugins.map((p) => ({
      type: p.type,
      id: p.id,
      requires: p.requires,
      platforms: p.platforms.map(({ os, architecture, variant }) => ({ os, architecture, variant })),
      exports: { ...p.exports },
      capabilities: p.capabilities,
      ...(p.initErr ? { initError: p.initErr.message } : {}),
    }));
  }
}
