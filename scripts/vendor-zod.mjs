#!/usr/bin/env node
// Rebuilds dynamic-plugins/vendor/zod.bundle.txt: the installed zod as one minified ES module, the
// text custom-tool sandboxes get as their `zod` import (a Worker Loader isolate has no node_modules).
// Run after upgrading zod: `node scripts/vendor-zod.mjs`; a workers test checks the version matches.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const version = JSON.parse(readFileSync(`${root}/node_modules/zod/package.json`, "utf8")).version;
const out = await build({
  stdin: { contents: 'export * from "zod"; export { z as default } from "zod";', resolveDir: root, loader: "js" },
  bundle: true,
  format: "esm",
  minify: true,
  write: false,
  legalComments: "none",
  logLevel: "warning",
});
const text = `// zod ${version} (MIT), bundled by scripts/vendor-zod.mjs for custom-tool sandboxes.\n${out.outputFiles[0].text}`;
writeFileSync(`${root}/dynamic-plugins/vendor/zod.bundle.txt`, text);
console.log(`zod ${version}: ${text.length} characters`);
