import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import type { Message } from "esbuild";
import { CliError, EXIT } from "../context";
import { wranglerEsbuild } from "./root";

/** A file as the deploy sends it, and how to map a server position in it back to the source. */
export type Collected = { files: Record<string, string>; maps: Record<string, SourceMap> };
export type SourceMap = { sources: string[]; mappings: string };

/** Top-level files of executor/tools/ are tools; `_`-prefixed files, subfolders and .d.ts are helpers. */
const TOOL = /^[^_.][^/]*\.(ts|js|mts|mjs)$/;
const SKILL_FILE = /\.(md|txt|json)$/;

const posix = (path: string): string => path.split(sep).join("/");

/** Every file under `dir`, recursively, as paths relative to `base` (symlinks are refused by noSymlinks first). */
function walk(dir: string, base: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) throw symlinkError(base, path);
    if (entry.isDirectory()) out.push(...walk(path, base));
    else if (entry.isFile()) out.push(posix(relative(base, path)));
  }
  return out.sort();
}

const symlinkError = (dir: string, path: string): CliError =>
  new CliError(`${posix(relative(dir, path))} is a symbolic link; deploy sends only files inside executor/ (replace the link with the files themselves)`, EXIT.failed);

/**
 * A deploy uploads files: none may come from outside DIR/executor through a symbolic link (say
 * executor/skills -> ~). Every entry is lstat'ed (node_modules folders, npm's business, are skipped).
 */
function noSymlinks(dir: string, folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isSymbolicLink() || lstatSync(path).isSymbolicLink()) throw symlinkError(dir, path);
    if (entry.isDirectory() && entry.name !== "node_modules") noSymlinks(dir, path);
  }
}

/** The real file is inside the real executor/ folder (a second check, after noSymlinks). */
function inside(dir: string, realRoot: string, path: string): void {
  const real = realpathSync(join(dir, path));
  const rel = relative(realRoot, real);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw new CliError(`${path} resolves outside executor/ (${real}); refusing to deploy it`, EXIT.failed);
}

/** The authored files under DIR/executor: tools (bundled) and skills (as written). */
export async function collect(dir: string): Promise<Collected> {
  const root = join(dir, "executor");
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`no executor/ folder in ${dir} (run executor init)`, EXIT.failed);
  noSymlinks(dir, root);
  const realRoot = realpathSync(root);
  const files: Record<string, string> = {};
  const maps: Record<string, SourceMap> = {};
  const toolsDir = join(root, "tools");
  const tools = existsSync(toolsDir) ? readdirSync(toolsDir).filter((f) => TOOL.test(f) && !f.endsWith(".d.ts") && lstatSync(join(toolsDir, f)).isFile()) : [];
  for (const name of tools) inside(dir, realRoot, `executor/tools/${name}`);
  const errors: string[] = [];
  for (const name of tools.sort()) {
    const path = `executor/tools/${name}`;
    const bundled = await bundleTool(dir, path).catch((error: unknown) => {
      errors.push(...esbuildErrors(dir, error));
      return null;
    });
    if (!bundled) continue;
    files[path] = bundled.code;
    if (bundled.map) maps[path] = bundled.map;
  }
  if (errors.length) throw new CliError(errors.join("\n"), EXIT.failed);
  const skillsDir = join(root, "skills");
  if (existsSync(skillsDir)) {
    for (const path of walk(skillsDir, dir)) {
      if (!SKILL_FILE.test(path) || path.split("/").length < 4) continue;
      inside(dir, realRoot, path);
      files[path] = readFileSync(join(dir, path), "utf8");
    }
  }
  return { files, maps };
}

/**
 * One tool file into one ESM module: `executor` and `zod` stay imports (the sandbox provides them),
 * anything else it imports (relative files, npm packages) is bundled in. A file that imports nothing
 * else is sent as written, so the server's positions are the file's own.
 */
async function bundleTool(dir: string, path: string): Promise<{ code: string; map: SourceMap | null }> {
  const source = readFileSync(join(dir, path), "utf8");
  const result = await wranglerEsbuild().build({
    absWorkingDir: dir,
    entryPoints: [path],
    outdir: join(dir, "executor/tools"),
    entryNames: "[name].bundle",
    bundle: true,
    write: false,
    metafile: true,
    sourcemap: "external",
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
    external: ["executor", "zod", "zod/*"],
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
  });
  if (Object.keys(result.metafile.inputs).length <= 1) return { code: source, map: null };
  const code = result.outputFiles.find((f) => f.path.endsWith(".js"))?.text ?? "";
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"))?.text;
  // The external source map stays here; the module carries no comment pointing at it.
  const parsed = map ? (JSON.parse(map) as SourceMap) : null;
  // Map sources are relative to the output's folder (executor/tools); kept relative to DIR instead.
  if (parsed) parsed.sources = parsed.sources.map((s) => posix(relative(dir, join(dir, "executor/tools", s))));
  return { code: code.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n"), map: parsed };
}

/** esbuild's failures as `file:line:column message` lines (esbuild columns are 0-based). */
function esbuildErrors(dir: string, error: unknown): string[] {
  const list = (error as { errors?: Message[] }).errors;
  if (!Array.isArray(list)) return [String(error instanceof Error ? error.message : error)];
  return list.map((m) => (m.location ? `${posix(relative(dir, join(dir, m.location.file)))}:${m.location.line}:${m.location.column + 1} ${m.text}` : m.text));
}

const VLQ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let shift = 0;
  let value = 0;
  for (const char of segment) {
    const digit = VLQ.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Source Map v3: the original place of a 1-based line and column of the bundled module. */
export function originalPosition(map: SourceMap, line: number, column: number): { source: string; line: number; column: number } | null {
  let source = 0;
  let srcLine = 0;
  let srcCol = 0;
  let found: { source: string; line: number; column: number } | null = null;
  const lines = map.mappings.split(";");
  for (let l = 0; l < lines.length && l < line; l++) {
    let genCol = 0;
    for (const segment of (lines[l] ?? "").split(",")) {
      if (!segment) continue;
      const [col = 0, s, sl, sc] = decodeSegment(segment);
      genCol += col;
      if (s === undefined || sl === undefined || sc === undefined) continue;
      source += s;
      srcLine += sl;
      srcCol += sc;
      if (l === line - 1 && genCol <= column - 1) found = { source: map.sources[source] ?? "", line: srcLine + 1, column: srcCol + 1 };
    }
  }
  return found;
}
