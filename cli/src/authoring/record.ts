import { CliError, EXIT } from "../context";
import { clean } from "../output";
import type { SourceMap } from "./bundle";
import { originalPosition } from "./bundle";

/** The validation record POST /v1/artifacts/deploy and /rollback answer (issue 11). */
// The server's own shapes (type-only: erased from the CLI's bundle).
export type { DeployRecord, HistoryEntry } from "../../../workers/gateway/artifacts/deploy";
import type { DeployRecord, Diff, HistoryEntry, ToolEntry } from "../../../workers/gateway/artifacts/deploy";

const short = (id: string | null | undefined): string => (id ? id.slice(0, 12) : "(none)");
const when = (at: number | string): string => new Date(at).toISOString().replace(/\.\d+Z$/, "Z");

/** The record as people read it: what changes, side effects, new reach and escalations. */
export function formatRecord(r: DeployRecord): string {
  const lines: string[] = [];
  if (r.check) lines.push(`Check against ${r.scope} scope's live set ${short(r.live)}: nothing was written.`);
  else lines.push(`Deployed ${short(r.commit?.commit)} to the ${r.scope} scope${r.commit?.message ? `: ${r.commit.message}` : ""}`);
  const tool = (t: ToolEntry): string => `${t.name.padEnd(24)} ${t.sideEffect.padEnd(11)}${t.calls.length ? ` calls ${t.calls.join(", ")}` : ""}`;
  lines.push("Tools");
  for (const t of r.tools.added) lines.push(`  + ${tool(t)}`);
  for (const t of r.tools.changed) lines.push(`  ~ ${tool(t)}`);
  for (const name of r.tools.removed) lines.push(`  - ${name}`);
  if (r.tools.unchanged.length) lines.push(`  = ${r.tools.unchanged.length} unchanged (${r.tools.unchanged.join(", ")})`);
  if (lines.at(-1) === "Tools") lines.push("  (none)");
  lines.push("Skills");
  for (const s of r.skills.added) lines.push(`  + ${s.name}${s.public ? " (public)" : ""}`);
  for (const s of r.skills.changed) lines.push(`  ~ ${s.name}${s.public ? " (public)" : ""}`);
  for (const name of r.skills.removed) lines.push(`  - ${name}`);
  if (r.skills.unchanged.length) lines.push(`  = ${r.skills.unchanged.length} unchanged (${r.skills.unchanged.join(", ")})`);
  if (lines.at(-1) === "Skills") lines.push("  (none)");
  const fx = r.sideEffects;
  lines.push(`Side effects: ${fx.read} read, ${fx.write} write, ${fx.destructive} destructive`);
  lines.push(`New reach: ${r.capabilities.added.length ? r.capabilities.added.join(", ") : "none"}`);
  if (r.capabilities.removed.length) lines.push(`Reach removed: ${r.capabilities.removed.join(", ")}`);
  for (const e of r.capabilities.escalated) lines.push(`Escalated: ${e.name} ${e.from} -> ${e.to}`);
  return lines.join("\n");
}

/** One line per deploy (executor dev). */
export function summaryLine(r: DeployRecord): string {
  const d = (x: Diff<unknown>): string => `+${x.added.length} ~${x.changed.length} -${x.removed.length}`;
  const esc = r.capabilities.escalated.map((e) => ` ${e.name}: ${e.from}->${e.to}`).join("");
  const reach = r.capabilities.added.length ? `, new reach ${r.capabilities.added.join(" ")}` : "";
  return `${r.check ? "checked" : `deployed ${short(r.commit?.commit)}`}: tools ${d(r.tools)}, skills ${d(r.skills)}${reach}${esc ? `, escalated${esc}` : ""}`;
}

export function formatHistory(h: { live: string | null; commits: HistoryEntry[] }): string {
  if (!h.commits.length) return "No commits yet.";
  return h.commits
    .map((c) => `${c.live ? "*" : " "} ${short(c.commit)}  ${when(c.at)}  ${c.author.email}  ${c.message.split("\n")[0] ?? ""}${c.restores ? `  (restores ${short(c.restores)})` : ""}`)
    .join("\n");
}

type Problem = { detail?: string; title?: string; errors?: Array<{ path: string; message: string; line?: number; column?: number }> };

/** HTTP status → the documented exit code (README "CLI", as cli/src/api.ts maps it: 409/413/422 are 1). */
export function exitFor(status: number): number {
  if (status === 401) return EXIT.auth;
  if (status === 403) return EXIT.refused;
  if (status === 404) return EXIT.notFound;
  return EXIT.failed;
}

/**
 * A refused deploy as `file:line:column message` lines, positions in bundled modules mapped back to
 * the file that was written; paths are relative to DIR (`executor/` put back).
 */
export async function problemError(res: Response, maps: Record<string, SourceMap> = {}): Promise<CliError> {
  const text = await res.text();
  let p: Problem = {};
  try {
    p = JSON.parse(text) as Problem;
  } catch {
    // Not JSON (a proxy's page, say): one line, no control characters.
    return new CliError(clean(`${res.status} ${res.statusText}: ${text.slice(0, 200)}`), exitFor(res.status));
  }
  if (!Array.isArray(p?.errors) || !p.errors.length) return new CliError(clean(String(p?.detail ?? p?.title ?? `HTTP ${res.status}`)), exitFor(res.status));
  const lines = p.errors.map((e) => {
    const [file = "", anchor] = clean(String(e.path ?? "")).split("#");
    let path = file.startsWith("executor/") || !/^(tools|skills)\//.test(file) ? file : `executor/${file}`;
    let line = e.line;
    let column = e.column;
    const map = maps[path];
    if (map && line) {
      const at = originalPosition(map, line, column ?? 1);
      if (at) [path, line, column] = [at.source, at.line, at.column];
    }
    const where = line ? `${path}:${line}:${column ?? 1}` : anchor ? `${path}#${anchor}` : path;
    return `${where} ${clean(String(e.message ?? ""))}`;
  });
  return new CliError(lines.join("\n"), exitFor(res.status));
}
