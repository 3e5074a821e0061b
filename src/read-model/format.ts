import type { SloStatus } from "../history/slo-budget";
import { cutPercent, type Locale, localeOf } from "./locale";

/**
 * Words for the faces that speak English whatever the reader's language (the badges, the Statuspage API); the status
 * page formats through its Locale (locale.ts). Pure.
 */

/**
 * Percent for people, never rounded up (see cutPercent). Badges drop trailing zeros (`99.5%`) and use three places;
 * the page writes every decimal (`99.50%`).
 */
export function formatPercent(value: number, { places = 2, trimZeros = false } = {}): string {
  const cut = cutPercent(value, places);
  if (cut === 100 || cut === 0) return `${cut}%`;
  const text = cut.toFixed(places);
  return `${trimZeros ? String(Number(text)) : text}%`;
}

const ENGLISH = localeOf("en");

/**
 * An SLO in a line: `99.9% good minutes over 30d (within 2000 ms): 99.952% attained, 52.0% of the error budget
 * left, burning 0.4× over 1 h`, and `; burning fast` while a burn-rate alert is in its episode.
 */
export function describeSlo(s: SloStatus, l: Locale = ENGLISH): string {
  const { t } = l;
  const what = t.slo.what(t.percent(l.number(s.objective)), s.window, s.latencyMs === null ? null : t.ms(l.number(s.latencyMs)));
  if (s.attainment === null || s.budgetRemaining === null) return t.slo.noMinutes(what);
  const burn = s.burnRate["1h"] === null ? "" : t.slo.burn(l.number(s.burnRate["1h"]));
  const alert = s.burning === null ? "" : t.slo.burning(s.burning);
  return `${t.slo.figures(what, l.percent(s.attainment, 3), t.percent(l.number(s.budgetRemaining, 1)))}${burn}${alert}`;
}
