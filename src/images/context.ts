import type { RawServices } from "../rpc/services.js";

/** What the image-related handles of one namespace view share. */
export interface ImagesContext {
  readonly services: RawServices;
  readonly namespace: string;
}
