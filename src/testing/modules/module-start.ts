import type { Client } from "../../client.js";
import type { ServiceHandle } from "../service/service-handle.js";
import { startService } from "../service/start-service.js";
import type { WaitStrategy } from "../service/wait/types.js";
import { type ModuleImageBuilder, moduleImage } from "./module-image.js";
import { type CheckedModuleOptions, serviceOptions } from "./module-options.js";

/** @internal What a ready-made module runs: its image, port, readiness and arguments. */
export interface ModuleSpec {
  /** The image's name in `containerd-sdk/<kind>:<digest>`. */
  kind: string;
  build: ModuleImageBuilder;
  containerPort: number;
  wait: WaitStrategy;
  args?: string[];
}

/**
 * @internal Builds (cached) and imports the module's image when the client's namespace lacks it,
 * then starts it with `startService`.
 */
export async function startModule(
  client: Client,
  spec: ModuleSpec,
  checked: CheckedModuleOptions,
): Promise<ServiceHandle> {
  checked.signal?.throwIfAborted();
  const image = await moduleImage(client, spec.kind, spec.build, checked.signal);
  const { wait, args } = spec;
  return startService(client, serviceOptions(checked, image, spec.containerPort, { wait, args }));
}
