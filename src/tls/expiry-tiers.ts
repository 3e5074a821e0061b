// Which expiry warning is due, so that a caller can notify once per tier rather than on every tick.

const EXPIRY_TIERS = [30, 14, 7, 1] as const;
export type ExpiryTier = (typeof EXPIRY_TIERS)[number];

/** The most urgent tier that `daysLeft` is within (at or below), or null when more than 30 days remain. */
export function expiryTier(daysLeft: number): ExpiryTier | null {
  if (!Number.isFinite(daysLeft)) return null;
  let tier: ExpiryTier | null = null;
  for (const t of EXPIRY_TIERS) if (daysLeft <= t) tier = t;
  return tier;
}

export interface TierCheck {
  /** The tier to record now; null once a renewal took the certificate out of every tier. */
  tier: ExpiryTier | null;
  /** The tier newly reached since `previous`, to notify once; null when nothing new is due. */
  crossed: ExpiryTier | null;
}

/**
 * Compares the recorded tier with the current days left. Skipping several tiers at once (first check at 5 days)
 * gives only the most urgent one. A renewal lowers the recorded tier back, so the next expiry warns again.
 */
export function checkExpiryTier(previous: ExpiryTier | null | undefined, daysLeft: number): TierCheck {
  const tier = expiryTier(daysLeft);
  const crossed = tier !== null && (previous == null || tier < previous) ? tier : null;
  return { tier, crossed };
}
