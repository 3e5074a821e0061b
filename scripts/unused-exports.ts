// Lists the values (functions, constants, classes) that src/ exports and no other file imports; tests, bench and
// scripts count as users. Biome has no such rule, and a dead export is a name a reader must check for callers, so
// `npm run lint` fails on one. Types are left out: a type in an exported signature is exported to be named.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** The project (or, for its own test, a tree given as the first argument). */
const ROOT = resolve(process.argv[2] ?? join(import.meta.dirname, ".."));
/** What the runtime or wrangler calls by name, not an import. */
const ENTRIES = new Set(["src/index.ts"]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : filesUnder(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

const exported = new Map<string, Set<string>>();
/** Per file, the names other files import from it; "*" for a namespace import or a re-export of everything. */
const used = new Map<string, Set<string>>();
const use = (file: string, name: string) => used.set(file, (used.get(file) ?? new Set()).add(name));

function hasExport(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function declaredNames(node: ts.Statement): string[] {
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.map((d) => d.name.getText());
  const name = (node as { name?: ts.Node }).name;
  return name ? [name.getText()] : [];
}

function scan(file: string): void {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  for (const node of source.statements) {
    const isType = ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node);
    if (hasExport(node) && !isType) for (const name of declaredNames(node)) names.add(name);
    const specifier = (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier;
    const target = specifier && ts.isStringLiteral(specifier) ? resolveSpecifier(file, specifier.text) : null;
    if (ts.isExportDeclaration(node) && !target && !node.isTypeOnly && node.exportClause && ts.isNamedExports(node.exportClause))
      for (const e of node.exportClause.elements) if (!e.isTypeOnly) names.add(e.name.text);
    if (!target) continue;
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.name) use(target, "default");
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) use(target, "*");
      if (bindings && ts.isNamedImports(bindings)) for (const b of bindings.elements) use(target, (b.propertyName ?? b.name).text);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      if (clause && ts.isNamedExports(clause)) for (const e of clause.elements) use(target, (e.propertyName ?? e.name).text);
      else use(target, "*");
    }
  }
  if (file.startsWith(join(ROOT, "src"))) exported.set(file, names);
}

const files = ["src", "test", "bench", "scripts"].flatMap((dir) => {
  try {
    return filesUnder(join(ROOT, dir));
  } catch {
    return [];
  }
});
for (const file of files) scan(file);
const dead: string[] = [];
for (const [file, names] of exported) {
  const path = relative(ROOT, file);
  const wanted = used.get(file) ?? new Set();
  if (ENTRIES.has(path) || wanted.has("*")) continue;
  for (const name of names) if (!wanted.has(name)) dead.push(`${path}: ${name}`);
}
if (dead.length) {
  console.error(`Exports no other file imports (remove the export, or the code):\n  ${dead.join("\n  ")}`);
  process.exit(1);
}
console.log(`unused-exports: every value exported by the ${exported.size} files of src/ is imported somewhere`);
