import type { Config, Monitor } from "./schema";

// `dependsOn`, on a monitor or a group: the guide's "add alert dependencies: prevent cascade alerts". A dependant
// that fails while a monitor it depends on is down joins that monitor's incident instead of paging on its own.

/** One declared dependency: who depends on whom, and where the config says so (for error messages). */
interface Edge {
  from: string;
  to: string;
  path: string;
}

type RawMonitor = { id?: unknown; group?: unknown; dependsOn?: unknown };

const quote = (v: unknown) => JSON.stringify(v);

/** Each monitor's edges from its own `dependsOn` and its group's, skipping a group's dependency on its own member. */
function edgesOf(monitors: readonly RawMonitor[], groups: Record<string, { dependsOn?: unknown } | undefined>): Edge[] {
  const edges: Edge[] = [];
  monitors.forEach((m, i) => {
    if (typeof m.id !== "string") return;
    const from = m.id;
    if (Array.isArray(m.dependsOn))
      m.dependsOn.forEach((to, j) => typeof to === "string" && edges.push({ from, to, path: `monitors[${i}].dependsOn[${j}]` }));
    const group = typeof m.group === "string" ? groups[m.group] : undefined;
    if (typeof m.group === "string" && Array.isArray(group?.dependsOn))
      group.dependsOn.forEach(
        (to, j) => typeof to === "string" && to !== from && edges.push({ from, to, path: `groups[${quote(m.group)}].dependsOn[${j}]` }),
      );
  });
  return edges;
}

/** Every cycle once, reported at the edge that closes it, with the way round: `a → b → a`. */
function cycles(edges: readonly Edge[]): string[] {
  const out = new Map<string, string>();
  const next = new Map<string, Edge[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e]);
  const done = new Set<string>();
  const walk = (node: string, stack: string[]) => {
    if (done.has(node)) return;
    for (const edge of next.get(node) ?? []) {
      const at = stack.indexOf(edge.to);
      if (at >= 0) {
        const loop = [...stack.slice(at), edge.to];
        const key = [...new Set(loop)].sort().join(",");
        if (!out.has(key)) out.set(key, `${edge.path}: dependency cycle: ${loop.join(" → ")}`);
      } else walk(edge.to, [...stack, edge.to]);
    }
    done.add(node);
  };
  for (const e of edges) walk(e.from, [e.from]);
  return [...out.values()];
}

/** Unknown monitors, self-dependencies, groups without monitors and cycles, each at its field path. */
export function dependencyProblems(raw: unknown): string[] {
  const config = raw as { monitors?: unknown; groups?: unknown } | null;
  if (!Array.isArray(config?.monitors)) return [];
  const monitors = config.monitors.map((m) => (m ?? {}) as RawMonitor);
  const groups = (config.groups && typeof config.groups === "object" ? config.groups : {}) as Record<string, { dependsOn?: unknown }>;
  const ids = new Set(monitors.map((m) => m.id));
  const groupNames = new Set(monitors.map((m) => m.group));
  const errors: string[] = [];
  for (const name of Object.keys(groups))
    if (!groupNames.has(name)) errors.push(`groups[${quote(name)}]: no monitor has group ${quote(name)}`);
  const edges = edgesOf(monitors, groups);
  const declared = [
    ...monitors.flatMap((m, i) =>
      Array.isArray(m.dependsOn) ? m.dependsOn.map((to, j) => ({ from: m.id, to, path: `monitors[${i}].dependsOn[${j}]` })) : [],
    ),
    ...Object.entries(groups).flatMap(([name, g]) =>
      Array.isArray(g?.dependsOn)
        ? g.dependsOn.map((to, j) => ({ from: undefined, to, path: `groups[${quote(name)}].dependsOn[${j}]` }))
        : [],
    ),
  ];
  for (const d of declared) {
    if (!ids.has(d.to)) errors.push(`${d.path}: unknown monitor ${quote(d.to)}`);
    else if (d.from !== undefined && d.to === d.from) errors.push(`${d.path}: a monitor cannot depend on itself`);
  }
  return [...errors, ...cycles(edges.filter((e) => ids.has(e.to) && e.to !== e.from))];
}

export interface Dependencies {
  /** Each monitor's parents (the monitors it depends on), in the order declared: its own, then its group's. */
  parents: ReadonlyMap<string, readonly string[]>;
  /** The monitors with every parent before its dependants, otherwise in config order. */
  order: readonly Monitor[];
}

const cache = new WeakMap<Config, Dependencies>();

/** The dependency graph of a valid (acyclic) config; computed once per config object. */
export function dependenciesOf(config: Config): Dependencies {
  const known = cache.get(config);
  if (known) return known;
  const parents = new Map<string, string[]>();
  for (const edge of edgesOf(config.monitors, config.groups))
    parents.set(edge.from, [...new Set([...(parents.get(edge.from) ?? []), edge.to])]);
  const byId = new Map(config.monitors.map((m) => [m.id, m]));
  const order: Monitor[] = [];
  const placed = new Set<string>();
  const place = (m: Monitor) => {
    if (placed.has(m.id)) return;
    placed.add(m.id);
    for (const p of parents.get(m.id) ?? []) {
      const parent = byId.get(p);
      if (parent) place(parent);
    }
    order.push(m);
  };
  config.monitors.forEach(place);
  const graph = { parents, order };
  cache.set(config, graph);
  return graph;
}
