import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import createDebug from "debug";
import { DataLossError, fromHttpStatus, isContainerdError, UnavailableError } from "../../errors/index.js";
import { basicHeader, mergeScopes, parseChallenge, type RegistryAuth } from "./auth.js";

const debug = createDebug("containerd-sdk:images");

/**
 * `request` of node:http or node:https, taken as CommonJS at the first request: an ES import of
 * node:http evaluates every lazy export it has, and one of them compiles undici, about 20 ms of
 * every script's start that imports the SDK, pull or no pull.
 */
function requestFor(url: URL): typeof import("node:http").request {
  return url.protocol === "https:"
    ? process.getBuiltinModule("node:https").request
    : process.getBuiltinModule("node:http").request;
}

/** @internal User-Agent the SDK sends to registries. */
export const USER_AGENT = "containerd-sdk";

/** Whether a registry host is on loopback, where plain HTTP is the default (as ctr's hosts config). */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  return name === "localhost" || name === "::1" || /^127\./.test(name);
}

/** What {@link RegistryClient.fetch} takes. @internal */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  /** A small body (a manifest), sent again after an auth challenge. */
  body?: Uint8Array;
  signal?: AbortSignal;
  /** Statuses >= 400 returned rather than thrown. */
  okStatuses?: number[];
}

/** What {@link RegistryClient.stream} and {@link RegistryClient.upload} take. @internal */
export interface StreamInit {
  headers?: Record<string, string>;
  /** Opens the body afresh for each attempt (an auth challenge means sending it again). */
  body?: () => Readable;
  signal?: AbortSignal;
}

/**
 * HTTP to one registry repository, answering auth challenges: Basic with the given credentials,
 * Bearer through the challenge's token endpoint (anonymous or with credentials); tokens cached.
 * A client for a push asks tokens for `pull,push`.
 * @internal
 */
export class RegistryClient {
  readonly base: string;
  readonly #auth: RegistryAuth | undefined;
  readonly #scope: string;
  readonly #where: string;
  #authorization: string | undefined;
  /** The answer to a challenge being worked out, which requests refused meanwhile share. */
  #answering: Promise<boolean> | undefined;

  constructor(
    host: string,
    repository: string,
    options: { plainHttp?: boolean; auth?: RegistryAuth; where: string; push?: boolean },
  ) {
    const apiHost = host === "docker.io" ? "registry-1.docker.io" : host;
    const scheme = options.plainHttp || isLoopbackHost(host) ? "http" : "https";
    this.base = `${scheme}://${apiHost}/v2/${repository}`;
    this.#auth = options.auth;
    this.#scope = `repository:${repository}:${options.push ? "pull,push" : "pull"}`;
    this.#where = options.where;
    if (options.auth?.token) this.#authorization = `Bearer ${options.auth.token}`;
  }

  /** A request to `base + path`; retried once after an auth challenge. Throws typed errors for >= 400. */
  async fetch(path: string, init: FetchInit): Promise<Response> {
    const url = `${this.base}${path}`;
    const method = init.method ?? "GET";
    for (let attempt = 0; ; attempt++) {
      const sent = this.#authorization;
      const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...init.headers };
      if (sent) headers.Authorization = sent;
      const res = await this.#reach(url, () =>
        fetch(url, { method, headers, body: init.body, signal: init.signal }),
      );
      debug("%s %s → %d", method, url, res.status);
      if (res.status === 401 && attempt === 0 && (await this.#answer(res, sent, init.signal))) continue;
      if (res.status >= 400 && !init.okStatuses?.includes(res.status)) {
        const text = await res.text().catch(() => "");
        throw fromHttpStatus(
          res.status,
          `${this.#where}: ${method} ${url}: ${res.status} ${res.statusText}${summary(text)}`,
        );
      }
      return res;
    }
  }

  /**
   * A GET of `base + path` as a Node stream, for blobs: node:http moves bulk data about twice as fast
   * as fetch. Answers one auth challenge, follows up to 10 redirects (Authorization is not sent to
   * another host), and throws typed errors for >= 400.
   */
  stream(path: string, init: StreamInit): Promise<IncomingMessage> {
    return this.#send("GET", new URL(`${this.base}${path}`), init);
  }

  /**
   * A PUT of a blob's bytes to `url` (an upload's Location) with node:http, streaming `init.body`
   * (give `Content-Length` in the headers). Answers one auth challenge; throws typed errors for >= 400.
   */
  upload(url: URL, init: StreamInit): Promise<IncomingMessage> {
    return this.#send("PUT", url, init);
  }

  async #send(method: string, start: URL, init: StreamInit): Promise<IncomingMessage> {
    // A refused upload's connection still expects the rest of its body: close it rather than reuse it.
    const done = (res: IncomingMessage) => (init.body ? res.destroy() : res.resume());
    let url = start;
    let challenged = false;
    for (let hops = 0; hops <= 10; ) {
      const sent = this.#authorization;
      const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...init.headers };
      if (sent && this.#sameHost(url)) headers.Authorization = sent;
      // Upload and redirect URLs may carry signed queries: logs and errors show origin and path only.
      const plain = `${url.origin}${url.pathname}`;
      const shown = `${method} ${plain}`;
      const res = await this.#reach(plain, () => send(method, url, headers, init.body?.(), init.signal));
      const status = res.statusCode ?? 0;
      debug("%s → %d (stream)", shown, status);
      if (status === 401 && !challenged) {
        challenged = true;
        done(res);
        const header = res.headers["www-authenticate"] ?? null;
        if (await this.#answerChallenge(header, sent, init.signal)) continue;
        throw fromHttpStatus(401, `${this.#where}: ${shown}: 401 Unauthorized`);
      }
      if (method === "GET" && status >= 300 && status < 400 && res.headers.location) {
        done(res);
        url = new URL(res.headers.location, url);
        hops++;
        continue;
      }
      if (status >= 400) {
        const text = await readText(res);
        done(res);
        throw fromHttpStatus(
          status,
          `${this.#where}: ${shown}: ${status} ${res.statusMessage ?? ""}${summary(text)}`,
        );
      }
      return res;
    }
    throw fromHttpStatus(502, `${this.#where}: ${method} ${url.origin}${url.pathname}: too many redirects`);
  }

  /** Whether `url` is on the registry's host: credentials are never sent anywhere else. */
  #sameHost(url: URL): boolean {
    return url.host === new URL(this.base).host;
  }

  /** Runs one request; a network failure becomes an UnavailableError naming `url`. */
  async #reach<T>(url: string | URL, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if ((err as Error).name === "AbortError" || isContainerdError(err)) throw err;
      throw fromHttpStatus(503, `${this.#where}: cannot reach ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /**
   * Asks the token endpoint: with credentials an OAuth2 password grant (POST), falling back to GET
   * with Basic auth where the endpoint does not take POST (as the Go client); anonymous: GET.
   */
  async #postToken(
    url: URL,
    scope: string,
    service: string | undefined,
    signal?: AbortSignal,
  ): Promise<Response> {
    const auth = this.#auth;
    if (auth?.username || auth?.password) {
      const form = new URLSearchParams({
        client_id: USER_AGENT,
        grant_type: auth.username ? "password" : "refresh_token",
        ...(auth.username
          ? { username: auth.username, password: auth.password ?? "" }
          : { refresh_token: auth.password ?? "" }),
        scope,
        service: service ?? "",
      });
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "User-Agent": USER_AGENT,
          "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        },
        body: form.toString(),
        signal,
      });
      if (![400, 401, 404, 405].includes(res.status)) return res;
      await res.body?.cancel().catch(() => {});
    }
    const get = new URL(url);
    for (const s of scope.split(" ")) get.searchParams.append("scope", s);
    if (service) get.searchParams.set("service", service);
    const headers: Record<string, string> = { "User-Agent": USER_AGENT };
    if (auth?.username) headers.Authorization = basicHeader(auth);
    return fetch(get, { headers, signal });
  }

  async #answer(res: Response, sent: string | undefined, signal: AbortSignal | undefined): Promise<boolean> {
    await res.body?.cancel().catch(() => {});
    return this.#answerChallenge(res.headers.get("www-authenticate"), sent, signal);
  }

  /**
   * Works out the Authorization header a 401 asks for; false when there is nothing to try. Requests
   * refused together (parallel uploads) share one answer, and one sent before another's answer
   * came simply tries again with it: one token per push, not one per blob.
   */
  #answerChallenge(
    header: string | null,
    sent: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (this.#authorization !== sent) return Promise.resolve(true);
    this.#answering ??= this.#challenge(header, signal).finally(() => {
      this.#answering = undefined;
    });
    return this.#answering;
  }

  async #challenge(header: string | null, signal: AbortSignal | undefined): Promise<boolean> {
    const challenge = parseChallenge(header);
    if (!challenge) return false;
    if (challenge.scheme === "basic") {
      if (!this.#auth?.username) return false;
      this.#authorization = basicHeader(this.#auth);
      return true;
    }
    if (challenge.scheme !== "bearer" || !challenge.params.realm) return false;
    const scope = mergeScopes([this.#scope, ...(challenge.params.scope ?? "").split(" ")]);
    const url = new URL(challenge.params.realm);
    let tokenRes: Response;
    try {
      tokenRes = await this.#postToken(url, scope, challenge.params.service, signal);
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw fromHttpStatus(
        503,
        `${this.#where}: cannot reach token endpoint ${url.origin}: ${(err as Error).message}`,
      );
    }
    if (!tokenRes.ok) {
      throw fromHttpStatus(
        tokenRes.status,
        `${this.#where}: token endpoint ${url.origin}${url.pathname}: ${tokenRes.status} ${tokenRes.statusText}`,
      );
    }
    const body = (await tokenRes.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw fromHttpStatus(401, `${this.#where}: token endpoint ${url.origin} returned no token`);
    this.#authorization = `Bearer ${token}`;
    return true;
  }
}

/**
 * One request with node:http or node:https, streaming `body` when given; resolves with the response
 * head. A body that fails (its source broke, or the signal fired) fails the request with its error.
 */
function send(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: Readable | undefined,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = requestFor(url)(url, { method, headers, signal }, (res) => {
      // A registry that refuses before the body is through reads no more of it: stop reading the source.
      if (body && (res.statusCode ?? 0) >= 300 && !body.readableEnded) {
        body.unpipe(req);
        body.destroy();
      }
      resolve(res);
    });
    req.on("error", (err) => {
      body?.destroy();
      reject(err);
    });
    if (!body) return void req.end();
    body.on("error", (err) => {
      req.destroy();
      reject(err);
    });
    body.pipe(req);
  });
}

/** Up to 4 KiB of an error response's body, for the message; the rest is drained. */
async function readText(res: IncomingMessage): Promise<string> {
  let text = "";
  try {
    for await (const chunk of res) if (text.length < 4096) text += String(chunk);
  } catch {
    // A body that breaks off says no more than its status.
  }
  return text.slice(0, 4096);
}

/**
 * @internal A response body in memory, failing with DataLossError once it passes `limit` bytes (a
 * hostile registry cannot fill memory) and with UnavailableError when it breaks off.
 */
export async function readBody(res: Response, limit: number, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > limit) throw new DataLossError(`${what}: the body runs past ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    throw bodyError(err, `${what} broke off`);
  }
  return Buffer.concat(chunks);
}

/** @internal A broken response body as UnavailableError (retrying may help); an abort stays as it is. */
export function bodyError(err: unknown, message: string): unknown {
  if ((err as Error)?.name === "AbortError" || isContainerdError(err)) return err;
  return new UnavailableError(`${message}: ${(err as Error)?.message ?? err}`, { cause: err });
}

function summary(text: string): string {
  const t = text.trim().replace(/\s+/g, " ");
  return t ? ` (${t.slice(0, 200)})` : "";
}
