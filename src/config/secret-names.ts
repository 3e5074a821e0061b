import type { Config } from "./schema";

/** The Worker secrets every part of Edgewatch reads whatever the config says, each optional. */
export const OPTIONAL_SECRETS = ["ADMIN_TOKEN", "ALERTMANAGER_TOKEN", "METRICS_TOKEN"] as const;

/**
 * Every Worker secret the config names, sorted: header values `{ "secret": "NAME" }` and every field whose name ends
 * in `Secret` (`urlSecret`, `apiTokenSecret`, `tokenSecret`, ...). Found by walking the parsed config, so a new
 * monitor type or channel that names a secret the same way is covered without an edit here.
 */
export function secretNamesOf(config: Config): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === "string" && (key === "secret" || /Secret$/.test(key))) names.add(inner);
      else walk(inner);
    }
  };
  walk(config);
  return [...names].sort();
}
