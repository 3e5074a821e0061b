// Debian's Chromium, as the browser test and the README's screenshot drive it: never a browser of a tool's own.
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Headless, and quiet: without the background-networking flags Chromium calls out at every start. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
