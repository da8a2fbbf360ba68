import type { CommitObject, TreeEntry } from "isomorphic-git";
import { type GitFetch, gitHttp } from "./git-http";
import { memfs } from "./memfs";
import { ArtifactConflict, type ArtifactCommit, type ArtifactStore } from "./store";

// The cloud backend of the artifact store: Cloudflare Artifacts (DESIGN §8). Reads use the repo
// methods of the binding; a write is a git push (the binding has no write method): a depth-1 clone
// into memory, one commit holding the whole new tree, and a push authenticated by a short-lived token.
// docs/artifact-store-research.md §3-§4; tested against Miniflare's simulator (test/e2e/artifacts-cloud-store.test.ts).

/** The part of `ArtifactsRepo` (workers-types) the store uses. */
export interface ArtifactsRepoLike {
  info(): Promise<{ remote: string }>;
  createToken(scope?: "write" | "read", ttl?: number): Promise<{ plaintext: string }>;
  readBlob(hash: string): Promise<Blob | null>;
  readTree(hash: string): Promise<{ name: string; hash: string; type: string }[] | null>;
  readCommit(hash: string): Promise<ArtifactsCommitLike | null>;
  log(opts?: { ref?: string; limit?: number }): Promise<ArtifactsCommitLike[]>;
  [Symbol.dispose]?(): void;
}

export interface ArtifactsCommitLike {
  hash: string;
  treeHash: string;
  message: string;
  author: { name: string; email: string };
  parents: string[];
  authoredAt: number;
}

/** The part of the `Artifacts` namespace binding (`[[artifacts]]`) the store uses. */
export interface ArtifactsNamespaceLike {
  get(name: string): Promise<ArtifactsRepoLike>;
  create(name: string, opts?: { setDefaultBranch?: string }): Promise<unknown>;
}

const MAIN = "main";
const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Write tokens live just long enough for one clone and push. */
const TOKEN_TTL_SECONDS = 300;

export function cloudStore(ns: ArtifactsNamespaceLike, gitFetch: GitFetch): ArtifactStore {
  /** Runs `use` with the repository's handle, or answers `missing` when it does not exist. */
  async function withRepo<T>(repo: string, missing: T, use: (handle: ArtifactsRepoLike) => Promise<T>): Promise<T> {
    if (!REPO.test(repo)) throw new Error(`not an artifact repository name: ${JSON.stringify(repo)}`);
    let handle: ArtifactsRepoLike;
    try {
      handle = await ns.get(repo);
    } catch (error) {
      if (codeOf(error) === "NOT_FOUND") return missing;
      throw error;
    }
    try {
      return await use(handle);
    } finally {
      handle[Symbol.dispose]?.();
    }
  }

  const head = (repo: string): Promise<string | null> =>
    withRepo(repo, null, async (h) => (await h.log({ ref: MAIN, limit: 1 }))[0]?.hash ?? null);

  async function readFiles(h: ArtifactsRepoLike, tree: string, prefix: string, out: Record<string, string>): Promise<void> {
    const entries = (await h.readTree(tree)) ?? [];
    await Promise.all(
      entries.map(async (e) => {
        const path = prefix + e.name;
        if (e.type === "tree") return readFiles(h, e.hash, `${path}/`, out);
        if (e.type !== "blob" && e.type !== "exec") return; // symlinks and submodules are not artifacts
        const blob = await h.readBlob(e.hash);
        if (blob) out[path] = await blob.text();
      }),
    );
  }

  async function getOrCreate(repo: string): Promise<ArtifactsRepoLike> {
    try {
      return await ns.get(repo);
    } catch (error) {
      if (codeOf(error) !== "NOT_FOUND") throw error;
    }
    try {
      await ns.create(repo, { setDefaultBranch: MAIN });
    } catch (error) {
      if (codeOf(error) !== "ALREADY_EXISTS") throw error; // another writer created it first
    }
    return ns.get(repo);
  }

  return {
    head,

    async commit(repo, input) {
      if (!REPO.test(repo)) throw new Error(`not an artifact repository name: ${JSON.stringify(repo)}`);
      const layout = buildTree(input.files);
      checkCommitInput(input);
      // isomorphic-git is only needed for writes; load it on the first one.
      const { default: git } = await import("isomorphic-git");
      const handle = await getOrCreate(repo);
      try {
        const { remote } = await handle.info();
        const { plaintext } = await handle.createToken("write", TOKEN_TTL_SECONDS);
        const http = gitHttp(gitFetch, plaintext);
        const fs = memfs();
        const dir = "/repo";
        const refs = await git.listServerRefs({ http, url: remote, protocolVersion: 1 });
        const advertised = refs.find((r) => r.ref === `refs/heads/${MAIN}`)?.oid ?? null;
        if (advertised !== input.expectedHead) throw new ArtifactConflict(advertised);
        if (advertised) {
          await git.clone({ fs, http, dir, url: remote, ref: MAIN, singleBranch: true, depth: 1, noCheckout: true, noTags: true });
          // The branch may have moved between the advertisement and the clone.
          const cloned = await git.resolveRef({ fs, dir, ref: `refs/heads/${MAIN}` });
          if (cloned !== input.expectedHead) throw new ArtifactConflict(cloned);
        } else {
          await git.init({ fs, dir, defaultBranch: MAIN });
        }

        const writeTree = async (node: Dir): Promise<string> => {
          const tree: TreeEntry[] = [];
          for (const [path, value] of Object.entries(node)) {
            if (typeof value === "string") {
              const oid = await git.writeBlob({ fs, dir, blob: new TextEncoder().encode(value) });
              tree.push({ mode: "100644", path, oid, type: "blob" });
            } else {
              tree.push({ mode: "040000", path, oid: await writeTree(value), type: "tree" });
            }
          }
          return git.writeTree({ fs, dir, tree });
        };
        // Git stores whole seconds; `at` comes from the stored commit, so commit and log agree.
        const person = { ...input.author, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
        const oid = await git.writeCommit({
          fs,
          dir,
          commit: {
            message: input.message,
            tree: await writeTree(layout),
            parent: input.expectedHead ? [input.expectedHead] : [],
            author: person,
            committer: person,
          },
        });
        await git.writeRef({ fs, dir, ref: `refs/heads/${MAIN}`, value: oid, force: true });
        try {
          await git.push({ fs, http, dir, url: remote, ref: MAIN, remoteRef: MAIN });
        } catch (error) {
          // Refused as not a fast-forward (by isomorphic-git, or by the server's ref update): a conflict
          // when someone else moved `main`; any other refusal (hooks, bad pack) stays an error.
          if (codeOf(error) === "PushRejectedError" || codeOf(error) === "GitPushError") {
            const now = await head(repo);
            if (now !== input.expectedHead) throw new ArtifactConflict(now);
          }
          throw error;
        }
        const { commit } = await git.readCommit({ fs, dir, oid });
        return toCommit(oid, commit);
      } finally {
        handle[Symbol.dispose]?.();
      }
    },

    files(repo, ref) {
      return withRepo(repo, null, async (h) => {
        // `log` resolves a branch, tag or commit id, and answers [] for anything else.
        const [commit] = await h.log({ ref, limit: 1 });
        if (!commit) return null;
        const out: Record<string, string> = {};
        await readFiles(h, commit.treeHash, "", out);
        return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
      });
    },

    log(repo, opts = {}) {
      const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 500);
      return withRepo(repo, [], async (h) => (await h.log({ ref: MAIN, limit })).map(fromArtifacts));
    },
  };
}

/** `code` of an ArtifactsError (NOT_FOUND, ALREADY_EXISTS) or of an isomorphic-git error. */
function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

function fromArtifacts(c: ArtifactsCommitLike): ArtifactCommit {
  return { commit: c.hash, tree: c.treeHash, message: c.message, author: { ...c.author }, at: c.authoredAt * 1000, parents: c.parents };
}

function toCommit(oid: string, c: CommitObject): ArtifactCommit {
  // Git keeps messages with one trailing newline; report them without it, as the binding's log does.
  const { name, email } = c.author;
  return { commit: oid, tree: c.tree, message: c.message.replace(/\n$/, ""), author: { name, email }, at: c.author.timestamp * 1000, parents: c.parent };
}

/** The same limits as the local backend (scripts/git-backend.mjs), so both refuse the same commits. */
function checkCommitInput(input: { author: { name: string; email: string }; message: string }): void {
  const { name, email } = input.author;
  const bad = (s: string, max: number) => s.length < 1 || s.length > max || /[<>\n\0]/.test(s);
  if (bad(name, 200) || bad(email, 254)) throw new Error("artifact commit: the author needs a name and an email without <, > or newlines");
  if (input.message.length < 1 || input.message.length > 10_000) throw new Error("artifact commit: the message must be 1 to 10,000 characters");
}

type Dir = { [name: string]: string | Dir };

/** Nests `{ "tools/a.ts": text }` into folders; refuses paths git fsck --strict would (empty, `.`, `..`, `.git`). */
function buildTree(files: Record<string, string>): Dir {
  const top: Dir = {};
  for (const [path, text] of Object.entries(files)) {
    const segments = path.split("/");
    const invalid = path.length > 512 || segments.some((s) => s === "" || s === "." || s === ".." || s.toLowerCase() === ".git" || s.includes("\0"));
    if (invalid) throw new Error(`artifact commit: not a valid file path: ${JSON.stringify(path)}`);
    const name = segments.pop() as string;
    let dir = top;
    for (const segment of segments) {
      const next = (dir[segment] ??= {});
      if (typeof next === "string") throw new Error(`artifact commit: ${path}: a parent is a file`);
      dir = next;
    }
    if (name in dir) throw new Error(`artifact commit: ${path}: is also a folder`);
    dir[name] = text;
  }
  return top;
}
