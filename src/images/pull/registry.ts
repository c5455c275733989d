import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import createDebug from "debug";
import { DataLossError, fromHttpStatus, isContainerdError, UnavailableError } from "../../errors/index.js";
import { basicHeader, parseChallenge, type RegistryAuth } from "./auth.js";

const debug = createDebug("containerd-sdk:images");

/** @internal User-Agent the SDK sends to registries. */
export const USER_AGENT = "containerd-sdk";

/** Whether a registry host is on loopback, where plain HTTP is the default (as ctr's hosts config). */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  return name === "localhost" || name === "::1" || /^127\./.test(name);
}

/**
 * HTTP to one registry repository, answering auth challenges: Basic with the given credentials,
 * Bearer through the challenge's token endpoint (anonymous or with credentials); tokens cached.
 * @internal
 */
export class RegistryClient {
  readonly base: string;
  readonly #auth: RegistryAuth | undefined;
  readonly #repository: string;
  readonly #where: string;
  #authorization: string | undefined;

  constructor(
    host: string,
    repository: string,
    options: { plainHttp?: boolean; auth?: RegistryAuth; where: string },
  ) {
    const apiHost = host === "docker.io" ? "registry-1.docker.io" : host;
    const scheme = options.plainHttp || isLoopbackHost(host) ? "http" : "https";
    this.base = `${scheme}://${apiHost}/v2/${repository}`;
    this.#auth = options.auth;
    this.#repository = repository;
    this.#where = options.where;
    if (options.auth?.token) this.#authorization = `Bearer ${options.auth.token}`;
  }

  /** A request to `base + path`; retried once after an auth challenge. Throws typed errors for >= 400. */
  async fetch(
    path: string,
    init: { method?: string; headers?: Record<string, string>; signal?: AbortSignal; okStatuses?: number[] },
  ): Promise<Response> {
    const url = `${this.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...init.headers };
      if (this.#authorization) headers.Authorization = this.#authorization;
      const res = await this.#reach(url, () =>
        fetch(url, { method: init.method ?? "GET", headers, signal: init.signal }),
      );
      debug("%s %s → %d", init.method ?? "GET", url, res.status);
      if (res.status === 401 && attempt === 0 && (await this.#answer(res, init.signal))) continue;
      if (res.status >= 400 && !init.okStatuses?.includes(res.status)) {
        const text = await res.text().catch(() => "");
        throw fromHttpStatus(
          res.status,
          `${this.#where}: ${init.method ?? "GET"} ${url}: ${res.status} ${res.statusText}${summary(text)}`,
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
  async stream(
    path: string,
    init: { headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<IncomingMessage> {
    let url = new URL(`${this.base}${path}`);
    const origin = url.host;
    let challenged = false;
    for (let hops = 0; hops <= 10; ) {
      const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...init.headers };
      if (this.#authorization && url.host === origin) headers.Authorization = this.#authorization;
      const res = await this.#reach(url, () => get(url, headers, init.signal));
      const status = res.statusCode ?? 0;
      debug("GET %s → %d (stream)", url, status);
      if (status === 401 && !challenged) {
        challenged = true;
        res.resume();
        if (await this.#answerChallenge(res.headers["www-authenticate"] ?? null, init.signal)) continue;
        throw fromHttpStatus(401, `${this.#where}: GET ${url}: 401 Unauthorized`);
      }
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        url = new URL(res.headers.location, url);
        hops++;
        continue;
      }
      if (status >= 400) {
        res.resume();
        throw fromHttpStatus(
          status,
          `${this.#where}: GET ${url}: ${status} ${res.statusMessage ?? ""}`.trimEnd(),
        );
      }
      return res;
    }
    throw fromHttpStatus(502, `${this.#where}: GET ${url}: too many redirects`);
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

  /** Works out the Authorization header a 401 asks for; false when there is nothing to try. */
  async #answer(res: Response, signal: AbortSignal | undefined): Promise<boolean> {
    await res.body?.cancel().catch(() => {});
    return this.#answerChallenge(res.headers.get("www-authenticate"), signal);
  }

  async #answerChallenge(header: string | null, signal: AbortSignal | undefined): Promise<boolean> {
    const challenge = parseChallenge(header);
    if (!challenge) return false;
    if (challenge.scheme === "basic") {
      if (!this.#auth?.username) return false;
      this.#authorization = basicHeader(this.#auth);
      return true;
    }
    if (challenge.scheme !== "bearer" || !challenge.params.realm) return false;
    const scopes = new Set([`repository:${this.#repository}:pull`]);
    for (const s of (challenge.params.scope ?? "").split(" ")) if (s) scopes.add(s);
    const scope = [...scopes].sort().join(" ");
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

/** One GET with node:http or node:https; resolves with the response head. */
function get(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(url, { method: "GET", headers, signal }, resolve);
    req.once("error", reject);
    req.end();
  });
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
