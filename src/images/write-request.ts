/**
 * Content.Write's WRITE request, encoded by hand around its data: the data's chunks are not copied
 * into one buffer, nor into the encoder's.
 *
 * @module
 */
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { WriteAction } from "../gen/github.com/containerd/containerd/api/services/content/v1/content.js";
import { EncodedMessage } from "../rpc/encoded-message.js";

/** WriteContentRequest's field tags (field number << 3 | wire type). */
const ACTION = (1 << 3) | 0;
const OFFSET = (5 << 3) | 0;
const DATA = (6 << 3) | 2;

/**
 * @internal A WRITE of `chunks`, in order, at `offset`: what `WriteContentRequest.encode` makes of
 * `{ action: WRITE, offset, data: concat(chunks) }`, in parts.
 */
export function writeRequest(offset: number, chunks: readonly Uint8Array[]): EncodedMessage {
  const length = chunks.reduce((n, chunk) => n + chunk.length, 0);
  const head = new BinaryWriter().uint32(ACTION).int32(WriteAction.WRITE);
  if (offset !== 0) head.uint32(OFFSET).int64(offset);
  head.uint32(DATA).uint32(length);
  return new EncodedMessage([head.finish(), ...chunks]);
}
