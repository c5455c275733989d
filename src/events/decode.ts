import type { Envelope } from "../gen/github.com/containerd/containerd/api/services/events/v1/events.js";
import { decodeAny } from "../typeurl/index.js";
import type { ContainerdEvent } from "./event.js";

/** @internal An Envelope off the wire as a ContainerdEvent. */
export function decodeEnvelope(envelope: Envelope): ContainerdEvent {
  const { typeUrl, value } = envelope.event
    ? decodeAny(envelope.event)
    : { typeUrl: "", value: new Uint8Array() };
  return {
    timestamp: envelope.timestamp ?? new Date(0),
    namespace: envelope.namespace,
    topic: envelope.topic,
    typeUrl,
    event: value,
  };
}
