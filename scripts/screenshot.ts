// npm run screenshot -- <url> [docs/status-page.png]: the README's picture of the status page, taken by the same
// Chromium the browser test drives (run `npm start` first, and wait for its first results).
import { launchChromium } from "./chromium";

const [url, out = "docs/status-page.png"] = process.argv.slice(2);
if (!url) {
  console.error("usage: npm run screenshot -- <url> [out.png]");
  process.exit(2);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 760 }, deviceScaleFactor: 1, colorScheme: "light" });
  await page.goto(url, { waitUntil: "load" });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
