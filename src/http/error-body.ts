import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type * as z from "zod";
import { formatPath } from "../config/load";

/**
 * The one JSON error shape of every route. `error` says what went wrong in a sentence a person can act on; the
 * optional fields say where: `errors` lists an invalid config's problems, `parameter` names a query or path
 * parameter, `field` a field of the request body (`(body)` for the body as a whole), `path` an unknown URL path.
 */
export interface ErrorBody {
  error: string;
  errors?: string[];
  parameter?: string;
  field?: string;
  path?: string;
}

/** Answers `status` with an {@link ErrorBody}: `jsonError(c, 404, "unknown monitor", { parameter: "id" })`. */
export function jsonError(c: Context, status: ContentfulStatusCode, error: string, where: Omit<ErrorBody, "error"> = {}) {
  return c.json({ error, ...where } satisfies ErrorBody, status);
}

/** The answer of every JSON route to an invalid config: 500 naming the problems, never cached. */
export function invalidConfig(c: Context, errors: string[]) {
  c.header("Cache-Control", "no-store");
  return jsonError(c, 500, "invalid configuration", { errors });
}

/** 400 naming the first bad query parameter: `{ "error": "limit: Too big: expected number to be <=100", "parameter": "limit" }`. */
export function parameterError(c: Context, error: z.ZodError) {
  const issue = error.issues[0];
  // A strict schema's unknown parameter has no path, only `keys`.
  const parameter = issue?.path.length ? String(issue.path[0]) : ((issue as { keys?: string[] } | undefined)?.keys?.[0] ?? "query");
  return jsonError(c, 400, `${parameter}: ${issue?.message ?? "invalid"}`, { parameter });
}

/** 400 naming the first bad body field as config errors do: `{ "error": "alerts[0].fingerprint: ...", "field": "alerts[0].fingerprint" }`. */
export function fieldError(c: Context, error: z.ZodError) {
  const issue = error.issues[0];
  const field = formatPath(issue?.path ?? []);
  return jsonError(c, 400, `${field}: ${issue?.message ?? "invalid"}`, { field });
}
