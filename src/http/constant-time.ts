/**
 * Secret comparison that takes the same time whether the guess is right, wrong in the first byte or of another
 * length: both sides are hashed with SHA-256 first (equal-length digests, and nothing about the secret's length leaks),
 * then the digests are compared with workerd's `crypto.subtle.timingSafeEqual`, or a loop without early exit where
 * that is missing (Node).
 */
const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(a, b);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}

/** Whether `given` equals `expected`, in time that does not depend on where they differ. */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  return equalBytes(a, b);
}

/**
 * Whether an `Authorization` header carries `Bearer <expected>` (the scheme case-insensitively, as RFC 9110 says).
 * An empty `expected` never matches: an unset secret must not open anything.
 */
export async function bearerMatches(authorization: string | null | undefined, expected: string): Promise<boolean> {
  if (!expected) return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  // Hash something even without a token, so a missing header costs the same time as a wrong one.
  return (await secretsEqual(match?.[1] ?? "", expected)) && match !== null;
}

/**
 * Which of `expected` equal `given`, each in constant time, `given` hashed once: for a token that may open any of
 * several monitors, compared with every one of them so the work does not depend on which was asked for. An unset
 * (undefined or empty) expected value costs a comparison too, and never matches.
 */
export async function matchesEach(given: string, expected: readonly (string | undefined)[]): Promise<boolean[]> {
  const unset = await sha256(`unset:${crypto.randomUUID()}`);
  const [mine, ...theirs] = await Promise.all([sha256(given), ...expected.map((e) => (e ? sha256(e) : Promise.resolve(unset)))]);
  return theirs.map((digest, i) => equalBytes(mine!, digest) && Boolean(expected[i]));
}
