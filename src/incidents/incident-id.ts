/** `api-gateway-20261128T210100Z`: the monitor and the first failing tick, so two ticks that see it agree. */
export function incidentId(monitorId: string, startedAt: string): string {
  return `${monitorId}-${startedAt.replace(/\.\d{3}/, "").replace(/[-:]/g, "")}`;
}

const ID = /^([a-z0-9][a-z0-9_-]{0,63})-(\d{8}T\d{6}Z)$/;

/** When the incident started, read back from its id; null for anything that is not an incident id. */
export function startOfIncidentId(id: string): number | null {
  const match = ID.exec(id);
  if (!match) return null;
  const t = match[2]!;
  const ms = Date.parse(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`);
  return Number.isFinite(ms) ? ms : null;
}
