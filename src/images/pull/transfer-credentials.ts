import createDebug from "debug";
import {
  AuthRequest,
  AuthResponse,
  AuthType,
} from "../../gen/github.com/containerd/containerd/api/types/transfer/registry.js";
import type { TransferStream } from "../transfer/stream.js";

const debug = createDebug("containerd-sdk:images");

/** @internal Answers each credential request of the daemon with the caller's username and password. */
export async function answerCredentials(
  stream: TransferStream,
  username: string,
  secret: string,
): Promise<void> {
  try {
    for (let next = await stream.received.next(); !next.done; next = await stream.received.next()) {
      const request = AuthRequest.decode(next.value.value);
      debug("transfer asks credentials for %s", request.host);
      const response = AuthResponse.encode({
        authType: AuthType.CREDENTIALS,
        username,
        secret,
        expireAt: undefined,
      });
      stream.send({ typeUrl: "containerd.types.transfer.AuthResponse", value: response.finish() });
    }
  } catch {
    // The stream ends (aborted) when the transfer does.
  }
}
