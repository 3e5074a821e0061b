// The status page in a real browser: Debian's headless Chromium driven by playwright-core (which never downloads a
// browser here), against the Worker as `npm start` runs it with its demo targets.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/http-targets";
import { poll as waitFor } from "./poll";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/chromium";

const ARGS = CHROMIUM_ARGS;
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const present = existsSync(CHROMIUM);
const ci = Boolean(process.env.CI);
if (!present && !ci) {
  console.warn(
    `status page browser test SKIPPED: ${CHROMIUM} is missing. Install it with: apt-get install -y --no-install-recommends chromium (under CI this fails instead).`,
  );
}

const dir = mkdtempSync(join(tmpdir(), "edgewatch-page-"));
let worker: ChildProcess | undefined;
let output = "";
let browser: Browser | undefined;
let origin = "";

const poll = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000) => waitFor(what, fn, timeoutMs, () => output);

/** A page that records what it asked for, what failed and what it complained about. */
async function open(options: BrowserContextOptions = {}, path = "/") {
  const context = await browser!.newContext(options);
  const page = await context.newPage();
  const requests: string[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("requestfailed", (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  const response = await page.goto(`${origin}${path}`, { waitUntil: "load" });
  return { context, page, response, requests, failed, errors };
}

/** What the functions run inside the page use (tsconfig.node.json has no DOM lib); the casts vanish when compiled. */
interface InPage {
  document: { documentElement: { scrollWidth: number }; body: unknown };
  innerWidth: number;
  axe: typeof axe;
  getComputedStyle(element: unknown): { backgroundColor: string };
}

/** axe-core's violations on a page, one line each; `rules` turns rules off. At least ten rules must have passed. */
async function violationsOf(options: BrowserContextOptions, path: string, rules: Record<string, { enabled: boolean }> = {}) {
  // axe goes in as an inline script, which the page's own CSP forbids: these contexts alone bypass it.
  const { context, page } = await open({ ...options, bypassCSP: true }, path);
  await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate((r) => {
    const w = globalThis as unknown as InPage;
    return w.axe.run(w.document as Parameters<typeof axe.run>[0], { rules: r });
  }, rules);
  await context.close();
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as InPage;
    return w.document.documentElement.scrollWidth <= w.innerWidth;
  });

describe.skipIf(!present && !ci)("the status page in headless Chromium", () => {
  beforeAll(async () => {
    if (!present) throw new Error(`${CHROMIUM} is missing under CI: apt-get install -y --no-install-recommends chromium`);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // The demo. Ticks run at most once a minute, so the failing demo target's incident (two failing ticks) opens in
    // the second minute: tick every 2 s so that it comes right after the minute turns.
    worker = spawn("npm", ["start", "--", "--port", String(port), "--interval", "2", "--state", join(dir, "state")], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    worker.stdout?.on("data", (d) => (output += d));
    worker.stderr?.on("data", (d) => (output += d));
    const started = Date.now();
    await poll(
      "an open incident in the demo",
      async () => {
        const body = (await (await fetch(`${origin}/api/status`)).json()) as { updatedAt: string | null; incidents: unknown[] };
        return body.updatedAt && body.incidents.length > 0 ? body : undefined;
      },
      150_000,
    );
    console.log(`status page browser test: demo with an open incident after ${Date.now() - started} ms`);
    const home = await fetch(`${origin}/`);
    if (!(home.headers.get("content-type") ?? "").startsWith("text/html")) {
      throw new Error(
        `GET / answers ${home.headers.get("content-type")}, not the status page: mount it in src/http/app.ts with app.route("/", pages)`,
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (worker?.pid && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker!.once("exit", resolve));
      process.kill(-worker.pid, "SIGINT");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads with no console error, no failed request and nothing from another host", async () => {
    const { context, page, response, requests, failed, errors } = await open();
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toMatch(/^default-src 'none'; style-src 'sha256-/);
    await expect(page.title()).resolves.toMatch(/AI Platform \(local demo\)$/);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    for (const url of requests) expect(url.startsWith(`${origin}/`) || url.startsWith("data:")).toBe(true);
    // The stylesheet applied (the CSP let it through): the banner is a coloured box.
    const banner = await page.locator(".ban").evaluate((e) => (globalThis as unknown as InPage).getComputedStyle(e).backgroundColor);
    expect(banner).not.toBe("rgba(0, 0, 0, 0)");
    await context.close();
  });

  it("has no accessibility violations (axe-core), in light and dark mode", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      // The minute's refresh the page must have is what WCAG 2.2.1 asks to be able to turn off: the page links to
      // itself without it (?refresh=off), which passes every rule; with it, every rule but that one.
      expect(await violationsOf({ colorScheme }, "/?refresh=off"), `${colorScheme}, refresh off`).toEqual([]);
      expect(await violationsOf({ colorScheme }, "/", { "meta-refresh": { enabled: false } }), `${colorScheme}`).toEqual([]);
    }
    // In German, for a reader whose browser asks for it.
    expect(await violationsOf({ locale: "de-DE" }, "/?refresh=off"), "German").toEqual([]);
    const { context, page } = await open();
    await page.getByRole("link", { name: "stop" }).click();
    expect(page.url()).toBe(`${origin}/?refresh=off`);
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    await context.close();
  });

  it("shows a monitor's page, reached from the home page: charts without script, no violations, nothing from elsewhere", async () => {
    const { context, page, requests, failed, errors } = await open({ javaScriptEnabled: false });
    await page.getByRole("link", { name: "Billing API", exact: true }).click();
    expect(page.url()).toBe(`${origin}/monitors/billing`);
    await expect(page.locator("h1").innerText()).resolves.toBe("Billing API");
    expect(await page.locator("section.ch svg").count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator("section.ch").count()).toBe(3);
    expect(await page.getByRole("link", { name: "History as JSON" }).getAttribute("href")).toBe("/api/monitors/billing/history");
    expect(await page.getByRole("link", { name: "Status badge (SVG)" }).getAttribute("href")).toBe("/badge/billing.svg");
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    for (const url of requests) expect(url.startsWith(`${origin}/`) || url.startsWith("data:")).toBe(true);
    await context.close();
    for (const colorScheme of ["light", "dark"] as const) {
      expect(await violationsOf({ colorScheme }, "/monitors/billing?refresh=off"), `${colorScheme}, refresh off`).toEqual([]);
      const rules = { "meta-refresh": { enabled: false } };
      expect(await violationsOf({ colorScheme }, "/monitors/billing", rules), colorScheme).toEqual([]);
    }
    expect(await violationsOf({ locale: "de-DE" }, "/monitors/api-gateway?refresh=off"), "German").toEqual([]);
    const phone = await open(
      { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
      "/monitors/billing",
    );
    expect(await noHorizontalScroll(phone.page)).toBe(true);
    await phone.page.screenshot({ path: join(ARTIFACTS, "monitor-page-phone.png"), fullPage: true });
    await phone.context.close();
    const wide = await open({ viewport: { width: 1100, height: 900 } }, "/monitors/api-gateway");
    await wide.page.screenshot({ path: join(ARTIFACTS, "monitor-page.png"), fullPage: true });
    await wide.context.close();
  });

  it("shows everything with JavaScript disabled", async () => {
    const { context, page, response } = await open({ javaScriptEnabled: false });
    expect(response?.status()).toBe(200);
    const text = (await page.locator("body").innerText()).replace(/\s+/g, " ");
    expect(text).toMatch(/Partial outage|Major outage|Degraded performance/);
    expect(text).toMatch(/Updated \w{3} \d+, \d\d:\d\d UTC/);
    for (const name of ["API gateway", "AI worker", "Inference API", "Billing API", "Prometheus", "Alertmanager", "Grafana"])
      expect(text).toContain(name);
    for (const group of ["Platform", "Monitoring"]) expect(text).toContain(group);
    expect(text).toContain("Active incidents");
    expect(text).toContain("Billing API is down");
    expect(text).toContain("Past incidents");
    expect(await page.locator("ol.bar").count()).toBeGreaterThanOrEqual(7);
    expect(await page.locator(".lat svg").count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute("content")).toBe("60");
    expect(await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute("href")).toBe("/feed.atom");
    // The incident's own page, reached by its link.
    await page.locator(".inc h3 a").first().click();
    await expect(page.locator("h1").innerText()).resolves.toMatch(/ is (down|degraded)$/);
    expect(await page.locator(".tl li").count()).toBeGreaterThanOrEqual(1);
    await context.close();
  });

  it("fits a phone screen (375×667) without horizontal scrolling", async () => {
    const { context, page } = await open({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    expect(await noHorizontalScroll(page)).toBe(true);
    // Every bar fits inside the screen.
    const widest = await page.locator("ol.bar").evaluateAll((bars) => Math.max(...bars.map((b) => b.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(ARTIFACTS, "status-page-phone.png"), fullPage: true });
    await context.close();
  });

  it("follows prefers-color-scheme; screenshots in light and dark mode", async () => {
    const backgrounds: Record<string, string> = {};
    for (const colorScheme of ["light", "dark"] as const) {
      const { context, page } = await open({ colorScheme, viewport: { width: 1100, height: 900 } });
      backgrounds[colorScheme] = await page.evaluate(() => {
        const w = globalThis as unknown as InPage;
        return w.getComputedStyle(w.document.body).backgroundColor;
      });
      // A tooltip of one day of the bar, as a mouse shows it: today's cell of the first monitor, in view without scrolling.
      await page.locator("ol.bar").first().locator("li").last().hover();
      await page.screenshot({ path: join(ARTIFACTS, `status-page-${colorScheme}.png`), fullPage: true });
      await context.close();
    }
    expect(backgrounds).toEqual({ light: "rgb(255, 255, 255)", dark: "rgb(13, 17, 23)" });
  });
});
