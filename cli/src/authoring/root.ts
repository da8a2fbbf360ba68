import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type * as Esbuild from "esbuild";

/**
 * This package's own folder (where wrangler.toml, scripts/start.mjs and cli/templates are), found by
 * walking up from this file: the same answer from cli/src (sources) and cli/dist (the bundle).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "executor") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("the executor package folder was not found above the CLI");
    dir = parent;
  }
}

let esbuild: typeof Esbuild | undefined;

/** Wrangler's own esbuild (issue 12: "bundling goes through wrangler's own esbuild"), loaded on first use. */
export function wranglerEsbuild(): typeof Esbuild {
  if (esbuild) return esbuild;
  const fromRoot = createRequire(join(packageRoot(), "package.json"));
  const fromWrangler = createRequire(fromRoot.resolve("wrangler"));
  esbuild = fromWrangler("esbuild") as typeof Esbuild;
  return esbuild;
}
