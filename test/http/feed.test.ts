import { resetBindings } from "../helpers/reset";

import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterEach, describe, expect, it } from "vitest";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";
import { envWith } from "../helpers/worker";

const XSS = "<img src=x onerror=alert(1)>";
const HOSTILE = "]]><script>alert('x')</script> & \"quoted\" \u0000\u0007 end";
const now = Date.now();
const ago = (m: number) => minutesAgo(m, now);
const config = {
  title: "AI Platform & <Friends>",
  monitors: [
    { id: "gw", name: "API gateway", type: "http", url: "https://gw.internal.example/health" },
    { id: "evil", name: XSS, type: "http", url: "https://evil.internal.example/?token=qs-77" },
  ],
};
const bindings = envWith(config);
const ORIGIN = "https://status.example.com";

const open = incident({
  id: "evil-20261128T205000Z",
  monitorIds: ["evil"],
  title: `${XSS} is down`,
  startedAt: ago(10),
  updates: [
    { at: ago(9), status: "investigating", message: `${XSS} is down: ${HOSTILE}` },
    { at: ago(4), status: "identified", message: "Found it" },
  ],
});
const resolved = incident({
  id: "gw-20261128T190000Z",
  monitorIds: ["gw"],
  title: "API gateway is down",
  severity: "SEV-1",
  impact: "critical",
  status: "resolved",
  startedAt: ago(120),
  resolvedAt: ago(100),
  durationMs: 20 * 60_000,
  updates: [
    { at: ago(119), status: "investigating", message: "API gateway is down: timeout after 10000 ms" },
    { at: ago(100), status: "resolved", message: "API gateway is up again" },
  ],
});

afterEach(resetBindings);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (name) => ["entry", "link", "category"].includes(name),
});

let served = 0;
/** Another host per request unless told (the edge cache keys by URL), all under status.example.com. */
async function fetchFeed(origin = `https://f${++served}.status.example.com`) {
  const response = await faceGet(bindings, "/feed.atom", { origin });
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(XMLValidator.validate(text)).toBe(true);
  return { response, text, feed: parser.parse(text).feed };
}

describe("GET /feed.atom", () => {
  it("is an Atom 1.0 feed with the required elements, one entry per incident, latest change first", async () => {
    await seedLatest({ gw: stored({ status: "up" }, ago(0)), evil: stored({ status: "down" }, ago(0)) }, [resolved, open], ago(0));
    const { response, feed } = await fetchFeed(ORIGIN);
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);

    expect(feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed.id).toBe(`${ORIGIN}/feed.atom`);
    expect(feed.title["#text"]).toBe("AI Platform & <Friends>: incidents");
    expect(feed.updated).toBe(ago(4));
    expect(feed.author.name).toBe("AI Platform & <Friends>");
    expect(feed.link).toEqual([
      { "@rel": "self", "@type": "application/atom+xml", "@href": `${ORIGIN}/feed.atom` },
      { "@rel": "alternate", "@type": "text/html", "@href": `${ORIGIN}/` },
    ]);

    expect(feed.entry).toHaveLength(2);
    const [first, second] = feed.entry;
    expect(first.id).toBe(`tag:status.example.com,${ago(10).slice(0, 10)}:incident/${open.id}`);
    expect(first.title["#text"]).toBe(`${XSS} is down`);
    expect(first.updated).toBe(ago(4));
    // The incident's start, not its first update's time.
    expect(first.published).toBe(ago(10));
    expect(first.link).toEqual([{ "@rel": "alternate", "@type": "text/html", "@href": `${ORIGIN}/incidents/${open.id}` }]);
    expect(first.summary["#text"]).toBe("Identified: Found it");
    expect(first.content["@type"]).toBe("html");
    expect(second.id).toBe(`tag:status.example.com,${ago(120).slice(0, 10)}:incident/${resolved.id}`);
    expect(second.updated).toBe(ago(100));
    expect(second.summary["#text"]).toBe("Resolved: API gateway is up again");
    expect(second.category.map((c: Record<string, string>) => c["@term"])).toEqual(["critical", "SEV-1"]);
    // Every update, newest first.
    const html: string = second.content["#text"];
    expect(html.indexOf("Resolved")).toBeLessThan(html.indexOf("Investigating"));
    expect(html).toContain("API gateway is down: timeout after 10000 ms");
  });

  it("renders hostile names and messages inert: no CDATA, no markup of their own, even in the HTML content", async () => {
    await seedLatest({ evil: stored({ status: "down" }, ago(0)) }, [open], ago(0));
    const { text, feed } = await fetchFeed();
    expect(text).not.toContain("<![CDATA[");
    expect(text).not.toMatch(/<(script|img)\b/i);
    expect(text).not.toContain("\u0000");
    const entry = feed.entry[0];
    // The HTML content, once the XML is read, still shows the tags as text.
    const html: string = entry.content["#text"];
    expect(html).not.toMatch(/<(script|img)\b/i);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("]]&gt;");
    expect(entry.summary["#text"]).toBe("Identified: Found it");
  });

  it("without incidents: a valid feed with no entries, updated at the last tick", async () => {
    await seedLatest({ gw: stored({ status: "up" }, ago(1)) }, [], ago(1));
    const { feed } = await fetchFeed();
    expect(feed.entry).toBeUndefined();
    expect(feed.updated).toBe(ago(1));
  });

  it("never shows a URL or a query secret", async () => {
    await seedLatest({ evil: stored({ status: "down" }, ago(0)) }, [open], ago(0));
    const { text } = await fetchFeed();
    for (const leak of ["internal.example", "qs-77"]) expect(text).not.toContain(leak);
  });
});
