import type { OperationOptions } from "../../base/call-options.js";
import type { Descriptor, Platform } from "../descriptor.js";

/** What `images.import` takes. */
export interface ImportOptions extends OperationOptions {
  /** Platform whose manifests are kept; default the host's. */
  platform?: Platform;
  /** Keep every platform's manifests. */
  allPlatforms?: boolean;
  /** Name for images whose tar names them only by a bare tag: `<baseName>:<tag>`. Default `import-YYYY-MM-DD`. */
  baseName?: string;
  /**
   * Milliseconds for the whole import (reading the tar, writing its blobs, creating the images);
   * past it the import fails with DeadlineExceededError and its lease is deleted.
   */
  timeout?: number;
}

/** An image record an import will create. @internal */
export interface ImageRecord {
  name: string;
  target: Descriptor;
}
