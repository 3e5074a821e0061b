import { bodyLimit } from "hono/body-limit";
import { jsonError } from "./error-body";

/**
 * The largest request body the writing endpoints accept. Alertmanager's webhook and every admin call fit in a few
 * KiB; anything larger is refused before the token is checked or a byte is parsed, so an unauthenticated caller
 * cannot make the Worker buffer megabytes (its memory and its 10 ms of CPU are shared with the tick).
 */
export const MAX_BODY_BYTES = 65_536;

/**
 * Hono's body limit: a declared Content-Length over the cap is refused at once; a body without one (chunked) is read
 * only up to the cap. Answers 413 with the API's JSON error shape rather than Hono's plain-text default.
 */
export const bodyCap = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => jsonError(c, 413, `the body is larger than ${MAX_BODY_BYTES} bytes`),
});
