#!/usr/bin/env node
// The `executor` launcher. `--version` alone is answered from package.json with node:fs only, so it
// starts as fast as node does; anything else runs the bundled CLI (cli/dist/executor.mjs), rebuilt
// with esbuild first when any source it is made of is newer than the bundle.
import { readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);

if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  process.stdout.write(`executor ${version}\n`);
} else {
  const outfile = join(root, "cli/dist/executor.mjs");
  if (isStale(outfile)) await build(outfile);
  await import(pathToFileURL(outfile).href);
}

/** The newest modification time under a folder (skipping dependencies and build output). */
function newest(dir) {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function isStale(outfile) {
  let built;
  try {
    built = statSync(outfile).mtimeMs;
  } catch {
    return true;
  }
  const sources = ["cli/src", "core", "schemas"].map((dir) => newest(join(root, dir)));
  return Math.max(...sources, statSync(join(root, "package.json")).mtimeMs) > built;
}

/** Bundles the CLI's own code; packages stay external (resolved from node_modules, loaded on demand). */
async function build(outfile) {
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    process.stderr.write("executor: cli/dist is missing or stale and esbuild is not installed (run npm install)\n");
    process.exit(1);
  }
  // Written beside the target and renamed, so concurrent first runs never import a half-written file.
  const temp = `${outfile}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [join(root, "cli/src/main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    outfile: temp,
    logLevel: "error",
  });
  renameSync(temp, outfile);
}
