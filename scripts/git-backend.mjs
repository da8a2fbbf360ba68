// The local artifact store: a small JSON API over bare git repositories `${root}/<repo>.git`,
// written and read with isomorphic-git. `npm start` and the vitest workers project hand it to the
// Worker as the `GIT` fetcher binding (docs/artifact-store-research.md §2, §4); in the cloud the
// same ArtifactStore interface is served by Cloudflare Artifacts instead.
import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { z } from "zod";

/** @typedef {{ name: string; email: string }} Author */
/** @typedef {{ commit: string; tree: string; message: string; author: Author; at: number; parents: string[] }} Commit */

const BRANCH = "refs/heads/main";
const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const OID = /^[0-9a-f]{40}$/;
// A branch or tag name: segments that cannot climb out of the git dir or name a lock file.
const REF_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Paths in the tree: relative, at most 512 characters, no empty, `.`, `..` or `.git` segments (git fsck --strict). */
const FilePath = z
  .string()
  .max(512)
  .refine(
    (p) => p.split("/").every((s) => s !== "" && s !== "." && s !== ".." && s.toLowerCase() !== ".git" && !s.includes("\0")),
    "must be a relative path without empty, '.', '..' or '.git' segments",
  );

const CommitBody = z
  .object({
    files: z.record(FilePath, z.string()),
    author: z.object({ name: z.string().min(1).max(200), email: z.string().min(1).max(254) }).strict(),
    message: z.string().min(1).max(10_000),
    expectedHead: z.string().regex(OID).nullable(),
  })
  .strict();

class HttpError extends Error {
  /** @param {number} status @param {Record<string, unknown>} body */
  constructor(status, body) {
    super(String(body.error));
    this.status = status;
    this.body = body;
  }
}

/** @param {unknown} body @param {number} [status] */
const json = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** @param {unknown} error */
const isNotFound = (error) =>
  error instanceof Error && "code" in error && (error.code === "NotFoundError" || error.code === "ObjectTypeError");

/**
 * @param {{ root: string }} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createGitBackend({ root }) {
  fs.mkdirSync(root, { recursive: true });
  /** Per-repo tail of the write chain: each commit waits for the previous one, so the head check and the ref update are one step. */
  /** @type {Map<string, Promise<unknown>>} */
  const writes = new Map();

  /** @param {string} repo */
  const gitdir = (repo) => join(root, `${repo}.git`);

  /** @param {string} repo @returns {Promise<string | null>} */
  async function head(repo) {
    if (!fs.existsSync(join(gitdir(repo), "HEAD"))) return null;
    try {
      return await git.resolveRef({ fs, gitdir: gitdir(repo), ref: BRANCH });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** @param {string} repo @param {z.infer<typeof CommitBody>} input @returns {Promise<Commit>} */
  async function commit(repo, input) {
    const dir = gitdir(repo);
    const layout = buildTree(input.files);
    if (!fs.existsSync(join(dir, "HEAD"))) {
      fs.mkdirSync(dir, { recursive: true });
      await git.init({ fs, dir, gitdir: dir, bare: true, defaultBranch: "main" });
    }
    const current = await head(repo);
    if (current !== input.expectedHead) throw new HttpError(409, { error: "conflict", head: current });
    const tree = await writeTree(dir, layout);
    // Git stores whole seconds; `at` is reported from the same value so commit and log agree.
    const timestamp = Math.floor(Date.now() / 1000);
    const person = { ...input.author, timestamp, timezoneOffset: 0 };
    const parents = current ? [current] : [];
    const oid = await git.writeCommit({
      fs,
      gitdir: dir,
      commit: { message: input.message, tree, parent: parents, author: person, committer: person },
    });
    await git.writeRef({ fs, gitdir: dir, ref: BRANCH, value: oid, force: true });
    const { commit: stored } = await git.readCommit({ fs, gitdir: dir, oid });
    return toCommit(oid, stored);
  }

  /** @param {string} repo @param {string} ref @returns {Promise<Record<string, string> | null>} */
  async function files(repo, ref) {
    const dir = gitdir(repo);
    if (!fs.existsSync(join(dir, "HEAD"))) return null;
    try {
      const oid = await git.resolveRef({ fs, gitdir: dir, ref });
      const { commit: stored } = await git.readCommit({ fs, gitdir: dir, oid });
      /** @type {Record<string, string>} */
      const out = {};
      await readTree(dir, stored.tree, "", out);
      return out;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** @param {string} repo @param {number} limit @returns {Promise<Commit[]>} */
  async function log(repo, limit) {
    if ((await head(repo)) === null) return [];
    const entries = await git.log({ fs, gitdir: gitdir(repo), ref: BRANCH, depth: limit });
    return entries.map((e) => toCommit(e.oid, e.commit));
  }

  /** @param {string} repo @param {() => Promise<Commit>} task */
  function serialized(repo, task) {
    const run = (writes.get(repo) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => {});
    writes.set(repo, tail);
    // Forget the chain once it is idle, so the map does not grow with every repo ever written.
    tail.then(() => writes.get(repo) === tail && writes.delete(repo));
    return run;
  }

  /** @param {Request} request */
  async function route(request) {
    const url = new URL(request.url);
    const match = /^\/repos\/([^/]+)\/(head|commit|files|log)$/.exec(url.pathname);
    if (!match) return json({ error: "not_found" }, 404);
    const [, repo = "", action] = match;
    if (!REPO.test(repo)) return json({ error: "bad_request", message: "invalid repository name" }, 400);
    const method = request.method;
    if (action === "head" && method === "GET") return json({ head: await head(repo) });
    if (action === "commit" && method === "POST") {
      let raw;
      try {
        raw = await request.json();
      } catch {
        return json({ error: "bad_request", message: "body is not JSON" }, 400);
      }
      const parsed = CommitBody.safeParse(raw);
      if (!parsed.success) return json({ error: "bad_request", message: z.prettifyError(parsed.error) }, 400);
      return json(await serialized(repo, () => commit(repo, parsed.data)));
    }
    if (action === "files" && method === "GET") {
      const ref = url.searchParams.get("ref") ?? "main";
      if (!isRef(ref)) return json({ error: "bad_request", message: "invalid ref" }, 400);
      const found = await files(repo, ref);
      return found ? json({ files: found }) : json({ error: "not_found" }, 404);
    }
    if (action === "log" && method === "GET") {
      const limit = Number(url.searchParams.get("limit") ?? 50);
      if (!Number.isInteger(limit) || limit < 1) return json({ error: "bad_request", message: "invalid limit" }, 400);
      return json({ commits: await log(repo, Math.min(limit, 500)) });
    }
    return json({ error: "not_found" }, 404);
  }

  return async (request) => {
    try {
      return await route(request);
    } catch (error) {
      if (error instanceof HttpError) return json(error.body, error.status);
      return json({ error: "internal", message: error instanceof Error ? error.message : String(error) }, 500);
    }
  };
}

/** @param {string} ref */
function isRef(ref) {
  if (OID.test(ref)) return true;
  return ref.length <= 255 && ref.split("/").every((s) => REF_SEGMENT.test(s) && !s.endsWith(".lock"));
}

/** @typedef {{ [name: string]: string | Dir }} Dir */

/**
 * Nests `{ "tools/a.ts": text }` into directories; a path that is both a file and a folder is a 400.
 * @param {Record<string, string>} files
 * @returns {Dir}
 */
function buildTree(files) {
  /** @type {Dir} */
  const top = {};
  for (const [path, text] of Object.entries(files)) {
    const segments = path.split("/");
    const name = /** @type {string} */ (segments.pop());
    let dir = top;
    for (const segment of segments) {
      const next = (dir[segment] ??= {});
      if (typeof next === "string") throw new HttpError(400, { error: "bad_request", message: `${path}: a parent is a file` });
      dir = next;
    }
    if (name in dir) throw new HttpError(400, { error: "bad_request", message: `${path}: is also a folder` });
    dir[name] = text;
  }
  return top;
}

/**
 * Writes blobs and trees bottom-up; isomorphic-git sorts entries the way git does.
 * @param {string} gitdir
 * @param {Dir} dir
 * @returns {Promise<string>}
 */
async function writeTree(gitdir, dir) {
  /** @type {import("isomorphic-git").TreeEntry[]} */
  const tree = [];
  for (const [path, value] of Object.entries(dir)) {
    if (typeof value === "string") {
      const oid = await git.writeBlob({ fs, gitdir, blob: Buffer.from(value, "utf8") });
      tree.push({ mode: "100644", path, oid, type: "blob" });
    } else {
      tree.push({ mode: "040000", path, oid: await writeTree(gitdir, value), type: "tree" });
    }
  }
  return git.writeTree({ fs, gitdir, tree });
}

/**
 * @param {string} gitdir
 * @param {string} oid
 * @param {string} prefix
 * @param {Record<string, string>} out
 */
async function readTree(gitdir, oid, prefix, out) {
  const { tree } = await git.readTree({ fs, gitdir, oid });
  for (const entry of tree) {
    const path = prefix + entry.path;
    if (entry.type === "tree") await readTree(gitdir, entry.oid, `${path}/`, out);
    else if (entry.type === "blob") {
      const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid });
      out[path] = new TextDecoder().decode(blob);
    }
  }
}

/**
 * @param {string} oid
 * @param {import("isomorphic-git").CommitObject} c
 * @returns {Commit}
 */
function toCommit(oid, c) {
  return {
    commit: oid,
    tree: c.tree,
    // isomorphic-git stores messages with one trailing newline, as git does; report them without it.
    message: c.message.replace(/\n$/, ""),
    author: { name: c.author.name, email: c.author.email },
    at: c.author.timestamp * 1000,
    parents: c.parent,
  };
}
