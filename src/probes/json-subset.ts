/**
 * Checks that `actual` contains `expected`: objects by their listed keys (recursively), arrays element by element,
 * everything else by equality. Returns the path of the first mismatch and what was found there, or null.
 */
export function findSubsetMismatch(expected: unknown, actual: unknown, path = ""): { path: string; found: unknown } | null {
  if (expected !== null && typeof expected === "object") {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return { path: path || "(root)", found: actual };
      for (let i = 0; i < expected.length; i++) {
        const miss = findSubsetMismatch(expected[i], actual[i], `${path}[${i}]`);
        if (miss) return miss;
      }
      return null;
    }
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return { path: path || "(root)", found: actual };
    for (const [key, value] of Object.entries(expected)) {
      const miss = findSubsetMismatch(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (miss) return miss;
    }
    return null;
  }
  return Object.is(expected, actual) ? null : { path: path || "(root)", found: actual };
}
