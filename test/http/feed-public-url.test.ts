import { resetBindings } from "../helpers/reset";

import { XMLParser } from "fast-xml-parser";
import { afterEach, describe, expect, it } from "vitest";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";
import { envWith } from "../helpers/worker";

afterEach(resetBindings);

const config = {
  title: "Status",
  publicUrl: "https://status.example.com/",
  monitors: [{ id: "gw", name: "API gateway", type: "http", url: "https://gw.internal.example/health" }],
};

/** Entry ids and links, and the feed's own, as an XML parser reads them. */
async function idsThrough(origin: string) {
  const response = await faceGet(envWith(config), "/feed.atom", { origin });
  const feed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(await response.text()).feed;
  const entries = [feed.entry].flat();
  return {
    id: feed.id,
    links: [feed.link].flat().map((l: { "@href": string }) => l["@href"]),
    entries: entries.map((e) => [e.id, e.link["@href"]]),
  };
}

describe("the Atom feed with publicUrl", () => {
  it("gives the same ids and links whichever hostname the reader subscribed through", async () => {
    const at = minutesAgo(0);
    const open = incident({ id: "gw-20261128T205000Z", monitorIds: ["gw"], startedAt: minutesAgo(10) });
    await seedLatest({ gw: stored({ status: "down" }, at) }, [open], at);
    const a = await idsThrough("https://status.example.com");
    const b = await idsThrough("https://edgewatch.acme.workers.dev");
    expect(b).toEqual(a);
    expect(a.id).toBe("https://status.example.com/feed.atom");
    expect(a.entries).toEqual([
      [`tag:status.example.com,${open.startedAt.slice(0, 10)}:incident/${open.id}`, `https://status.example.com/incidents/${open.id}`],
    ]);
  });
});
