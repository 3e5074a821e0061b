import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/incidents/types";
import { atomFeed, entryId } from "../../src/read-model/atom-feed";
import type { StatusView } from "../../src/read-model/status-view";
import { incident } from "../helpers/fixtures";

const open = incident({
  id: "a-20261125T100000Z",
  monitorIds: ["a"],
  title: "A & B <down>",
  severity: "SEV-2",
  startedAt: "2026-11-25T10:00:00.000Z",
  updates: [{ at: "2026-11-25T10:01:00.000Z", status: "investigating", message: "A is down: x]]>y" }],
});
const view = (incidents: Incident[], updatedAt: string | null = "2026-11-25T10:05:00.000Z"): StatusView => ({
  title: "T",
  slos: [],
  status: "operational",
  updatedAt,
  stale: false,
  monitors: [],
  notChecked: 0,
  incidents,
});

describe("atomFeed", () => {
  it("is well-formed and deterministic", () => {
    const a = atomFeed(view([open]), "https://s.example:8443", 0);
    expect(XMLValidator.validate(a)).toBe(true);
    expect(atomFeed(view([open]), "https://s.example:8443", 1)).toBe(a);
  });

  it("entry ids are tag: URIs on the host (no port) and the incident's start date", () => {
    expect(entryId("s.example", open)).toBe("tag:s.example,2026-11-25:incident/a-20261125T100000Z");
    const feed = new XMLParser().parse(atomFeed(view([open]), "https://s.example:8443", 0)).feed;
    expect(feed.entry.id).toBe("tag:s.example,2026-11-25:incident/a-20261125T100000Z");
    expect(feed.entry.content).toContain("x]]&gt;y");
  });

  it("before any tick and without incidents, `updated` is now", () => {
    const feed = new XMLParser().parse(atomFeed(view([], null), "https://s.example", Date.parse("2026-11-25T11:00:00Z"))).feed;
    expect(feed.updated).toBe("2026-11-25T11:00:00.000Z");
  });
});
