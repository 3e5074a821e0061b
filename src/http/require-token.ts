import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { bearerMatches } from "./constant-time";
import { jsonError } from "./error-body";
import { guard } from "./front-cache";

/** The Worker secrets that hold bearer tokens. */
export type TokenSecret = "ADMIN_TOKEN" | "ALERTMANAGER_TOKEN" | "METRICS_TOKEN";

export interface TokenRule {
  /** Where the token is, in order of preference: the first secret that is set is the token, the others are ignored. */
  secrets: readonly TokenSecret[];
  /** The protection space named in `WWW-Authenticate`. */
  realm: string;
  /**
   * With none of the secrets set: `{ disabled: "the admin API" }` shuts the route (503 saying which secret to set),
   * `"open"` lets everyone in. Spelled out on purpose: forgetting it must not open a writing route.
   */
  whenUnset: "open" | { disabled: string };
  /** 403 tells a caller that sent a token that it is wrong; /metrics answers 401 to both, as scrapers expect. */
  wrongTokenStatus: 401 | 403;
}

/** The token a route expects: the first of `secrets` set to a non-empty string, else undefined. */
export function secretOf(env: unknown, secrets: readonly TokenSecret[]): string | undefined {
  const vars = (env ?? {}) as Partial<Record<TokenSecret, unknown>>;
  return secrets.map((name) => vars[name]).find((value): value is string => typeof value === "string" && value !== "");
}

/**
 * `Authorization: Bearer <token>` against a Worker secret, compared in constant time. Our contract, which Hono's
 * bearerAuth (401 for a missing and a wrong token alike) does not fit: no token 401 with `WWW-Authenticate`, a wrong
 * one 403 (or 401, see `wrongTokenStatus`), the secret unset 503. Refusals are JSON error bodies, never cached.
 */
export function requireToken(rule: TokenRule): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Whether it lets everyone in depends on the secrets of the moment: its answers are never kept in front of it.
    guard(c.req.raw);
    const token = secretOf(c.env, rule.secrets);
    if (token === undefined) {
      if (rule.whenUnset === "open") return next();
      return refuse(c, 503, `${rule.whenUnset.disabled} is disabled: set the ${rule.secrets.join(" or ")} secret`);
    }
    const authorization = c.req.header("Authorization");
    if (!authorization) return refuse(c, 401, "missing bearer token", rule.realm);
    if (await bearerMatches(authorization, token)) return next();
    return refuse(c, rule.wrongTokenStatus, "wrong token", rule.wrongTokenStatus === 401 ? rule.realm : undefined);
  };
}

/** A refusal is personal: never cached. A 401 names the scheme and realm, as RFC 9110 asks. */
function refuse(c: Context, status: 401 | 403 | 503, error: string, realm?: string) {
  c.header("Cache-Control", "no-store");
  if (realm) c.header("WWW-Authenticate", `Bearer realm="${realm}"`);
  return jsonError(c, status, error);
}
