import type { Api } from "../context";
import { CliError, EXIT } from "../context";
import { clean } from "../output";
import { collect } from "./bundle";
import type { DeployRecord, HistoryEntry } from "./record";
import { problemError } from "./record";
import { readLocal, writeLocal } from "./safe-write";

export type Scope = "org" | "user";
export type DeployOptions = { check?: boolean; scope?: Scope; message?: string };

async function send(api: Api, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  return api.fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

const query = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return q.size ? `?${q}` : "";
};

/** Bundles DIR/executor and deploys it (or checks it): the validation record, or the refusal's lines. */
export async function deployDir(api: Api, dir: string, opts: DeployOptions): Promise<DeployRecord> {
  const { files, maps } = await collect(dir);
  const res = await send(api, "POST", "/v1/artifacts/deploy", { files, check: opts.check === true, ...(opts.scope ? { scope: opts.scope } : {}), ...(opts.message ? { message: opts.message } : {}) });
  if (!res.ok) throw await problemError(res, maps);
  return (await res.json()) as DeployRecord;
}

export async function rollback(api: Api, commit: string, scope?: Scope): Promise<DeployRecord> {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new CliError(`'${commit}' is not a commit id (40 hex characters; see executor history)`, EXIT.usage);
  const res = await send(api, "POST", "/v1/artifacts/rollback", { commit, ...(scope ? { scope } : {}) });
  if (!res.ok) throw await problemError(res);
  return (await res.json()) as DeployRecord;
}

export async function history(api: Api, scope?: Scope): Promise<{ live: string | null; commits: HistoryEntry[] }> {
  const res = await send(api, "GET", `/v1/artifacts/history${query({ scope })}`);
  if (!res.ok) throw await problemError(res);
  return (await res.json()) as { live: string | null; commits: HistoryEntry[] };
}

/** A path the server sent, accepted only inside executor/ (never absolute, never `..`). */
function safePath(path: string): string {
  const p = path.startsWith("executor/") ? path : `executor/${path}`;
  if (p.split("/").some((part) => part === ".." || part === "" || part === ".") || p.includes("\\") || /[\u0000-\u001f\u007f-\u009f]/.test(p)) throw new CliError(`the server sent an unsafe path '${clean(path)}'`, EXIT.failed);
  return p;
}

export type Pulled = { scope: string; commit: string | null; written: string[]; unchanged: string[] };

/** Writes a scope's files under DIR; refuses to replace a local file that differs unless `force`. */
export async function pull(api: Api, dir: string, opts: { scope?: Scope; ref?: string; force?: boolean }): Promise<Pulled> {
  const res = await send(api, "GET", `/v1/artifacts/pull${query({ scope: opts.scope, ref: opts.ref })}`);
  if (!res.ok) throw await problemError(res);
  const body = (await res.json()) as { scope: string; commit: string | null; files: Record<string, string> };
  const files = Object.entries(body.files).map(([path, text]) => ({ path: safePath(path), text }));
  const local = (path: string): string | null => readLocal(dir, path);
  const changed = files.filter((f) => local(f.path) !== null && local(f.path) !== f.text).map((f) => f.path);
  if (changed.length && !opts.force) throw new CliError(`not overwriting local changes in ${changed.join(", ")} (use --force to replace them)`, EXIT.failed);
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    if (local(f.path) === f.text) {
      unchanged.push(f.path);
      continue;
    }
    writeLocal(dir, f.path, f.text);
    written.push(f.path);
  }
  return { scope: body.scope, commit: body.commit, written, unchanged };
}
