import type { Context, Env, MiddlewareHandler } from "hono";
import { validator } from "hono/validator";
import type * as z from "zod";
import { fieldError, jsonError, parameterError } from "./error-body";

/**
 * The query, checked against `schema` before the handler runs; the handler reads it typed with
 * `c.req.valid("query")`. A bad one is a 400 naming the parameter, never cached.
 */
export function validQuery<S extends z.ZodType<Record<string, unknown>>>(schema: S) {
  // The first value of each parameter (`c.req.query()`), not Hono's lists of repeats: the edge cache builds its key
  // from the same reading, so a cached answer and a fresh one can never disagree about a repeated parameter.
  return validator("query", (_, c): z.output<S> | Response => {
    const parsed = schema.safeParse(c.req.query());
    if (parsed.success) return parsed.data;
    c.header("Cache-Control", "no-store");
    return parameterError(c, parsed.error);
  });
}

type Json<T> = { in: { json: unknown }; out: { json: T } };

/**
 * The JSON body, checked against a schema (or one built from the request's context, for schemas that know the
 * config's ids) before the handler runs; the handler reads it typed with `c.req.valid("json")`. Not Hono's own
 * `validator("json")`: that skips a body sent without `Content-Type: application/json` (curl's `-d` default), and
 * an on-call engineer's `{"by":"alice"}` would then be quietly ignored.
 */
export function validJson<T, E extends Env = Env>(
  schema: z.ZodType<T> | ((c: Context<E>) => z.ZodType<T>),
): MiddlewareHandler<E, string, Json<T>> {
  return async (c, next) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return jsonError(c, 400, "the body must be JSON", { field: "(body)" });
    }
    const parsed = (typeof schema === "function" ? schema(c) : schema).safeParse(raw);
    if (!parsed.success) return fieldError(c, parsed.error);
    c.req.addValidatedData("json", parsed.data as object);
    await next();
  };
}
