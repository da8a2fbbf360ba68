import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { CliError, EXIT } from "../context";
import { packageRoot } from "./root";
import { readLocal, writeLocal } from "./safe-write";

/**
 * The files `executor init` writes, from cli/templates/. They end in `.tmpl` there because the
 * repository's own tsconfig type-checks every .ts file, and `import "executor"` resolves only in a
 * user's folder (through the scaffolded executor.d.ts).
 */
function templates(): Array<{ path: string; text: string }> {
  const base = join(packageRoot(), "cli", "templates");
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".tmpl")) out.push({ path: relative(base, full).split(sep).join("/").replace(/\.tmpl$/, ""), text: readFileSync(full, "utf8") });
    }
  };
  walk(base);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Writes the scaffold under `dir`; refuses (exit 1, naming them) to replace files unless `force`. */
export function scaffold(dir: string, force: boolean): string[] {
  const files = templates();
  // Links anywhere below DIR (dangling ones included) are refused, before anything is written.
  const existing = files.filter((f) => readLocal(dir, f.path) !== null).map((f) => f.path);
  if (existing.length && !force) throw new CliError(`not overwriting ${existing.join(", ")} (use --force to replace them)`, EXIT.failed);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeLocal(dir, f.path, f.text);
  return files.map((f) => f.path);
}
