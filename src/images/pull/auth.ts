/** Credentials for a registry. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  /** A bearer token to send as is (skips the token endpoint). */
  token?: string;
}

/** A parsed `WWW-Authenticate` challenge. @internal */
export interface Challenge {
  scheme: "basic" | "bearer" | string;
  params: Record<string, string>;
}

/** @internal Parses the first challenge of a `WWW-Authenticate` header. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = re.exec(match[2] ?? ""); m; m = re.exec(match[2] ?? "")) {
    params[(m[1] as string).toLowerCase()] = (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return { scheme: (match[1] as string).toLowerCase(), params };
}

/** @internal `Authorization: Basic …` for the credentials. */
export function basicHeader(auth: RegistryAuth): string {
  return `Basic ${Buffer.from(`${auth.username ?? ""}:${auth.password ?? ""}`).toString("base64")}`;
}

/**
 * @internal Token scopes as one space-separated string: the actions asked for one resource are
 * joined (`repository:a/b:pull` and `repository:a/b:push` become `repository:a/b:pull,push`), so a
 * push's token also covers the pulls a registry's challenge names; sorted, as the Go client sends them.
 */
export function mergeScopes(scopes: Iterable<string>): string {
  const actions = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const at = scope.lastIndexOf(":");
    if (!scope || at <= 0) continue;
    const resource = scope.slice(0, at);
    const set = actions.get(resource) ?? new Set();
    for (const action of scope.slice(at + 1).split(",")) if (action) set.add(action);
    actions.set(resource, set);
  }
  return [...actions]
    .map(([resource, set]) => `${resource}:${[...set].sort().join(",")}`)
    .sort()
    .join(" ");
}
