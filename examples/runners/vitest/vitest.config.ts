// Vitest runs each test file in a worker of its own, several at once; global-setup.ts runs once,
// in the main process, before them.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: "./global-setup.ts",
    hookTimeout: 60_000, // a service's first start in a namespace imports its image
  },
});
