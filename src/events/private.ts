/**
 * @internal The namespace the SDK publishes its own sync markers in. containerd accepts a Publish
 * into a namespace that was never created (it is only a label on the envelope) and records nothing,
 * so no user namespace ever carries the SDK's traffic.
 */
export const SDK_NAMESPACE = "containerd-sdk";

/** @internal Topic prefix of the SDK's own events. */
export const SDK_TOPIC_PREFIX = "/containerd-sdk/";

/** @internal Whether an envelope is the SDK's own synchronisation, which users never see. */
export function isSdkEvent(namespace: string, topic: string): boolean {
  return namespace === SDK_NAMESPACE && topic.startsWith(SDK_TOPIC_PREFIX);
}
