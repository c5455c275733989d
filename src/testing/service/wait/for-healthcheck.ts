import { delay } from "abort-controller-x";
import { type HealthProbe, healthProbe, type ImageHealthcheck } from "./healthcheck.js";
import type { WaitStrategy, WaitTarget } from "./types.js";

async function probeOf(target: WaitTarget, signal: AbortSignal): Promise<HealthProbe> {
  const { image } = await target.container.info({ signal });
  if (!image) throw new Error("the service has no image, so no Healthcheck");
  const config = await (await target.client.images.get(image, { signal })).config({ signal });
  const check = (config.config as { Healthcheck?: ImageHealthcheck } | undefined)?.Healthcheck;
  const probe = healthProbe(check);
  if (!probe) throw new Error(`image ${image} has no Healthcheck`);
  return probe;
}

/** Whether one run of the probe exits 0 within its timeout. */
async function healthy(target: WaitTarget, probe: HealthProbe, signal: AbortSignal): Promise<boolean> {
  try {
    return (await target.exec(probe.args, { signal, timeout: probe.timeout })).exitCode === 0;
  } catch (err) {
    if (signal.aborted) throw err;
    return false;
  }
}

/**
 * Ready once the image's `Healthcheck` passes, run as execs the way Docker runs it: every
 * `Interval` (the first at once), each bounded by `Timeout`; `Retries` failures in a row after
 * `StartPeriod` mean unhealthy, which fails the start for good. An image without one fails at once.
 */
export function forHealthcheck(): WaitStrategy {
  return {
    description: "the image's Healthcheck",
    async waitUntilReady(target, signal) {
      const probe = await probeOf(target, signal);
      const started = Date.now();
      for (let failures = 0; ; ) {
        if (await healthy(target, probe, signal)) return;
        if (Date.now() - started >= probe.startPeriod && ++failures >= probe.retries) {
          throw new Error(`unhealthy: ${JSON.stringify(probe.args)} failed ${failures} times in a row`);
        }
        await delay(signal, probe.interval);
      }
    },
  };
}
