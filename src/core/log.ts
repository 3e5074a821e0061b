/** One JSON object a line, which `wrangler tail` and Workers Logs can filter. Callers never pass secrets. */
export type Log = (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

export const consoleLog: Log = (level, msg, fields = {}) => {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
};
