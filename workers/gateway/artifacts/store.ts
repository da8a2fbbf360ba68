import type { z } from "zod";
import {
  ArtifactCommit,
  ArtifactConflictAnswer,
  ArtifactErrorAnswer,
  ArtifactFilesAnswer,
  ArtifactHeadAnswer,
  ArtifactLogAnswer,
} from "../../../schemas/artifacts-store";
import type { ArtifactAuthor } from "../../../schemas/artifacts-store";
import { type ArtifactsNamespaceLike, cloudStore } from "./cloud-store";
import type { GitFetch } from "./git-http";

export type { ArtifactAuthor, ArtifactCommit } from "../../../schemas/artifacts-store";

/** A commit was refused because `main` is no longer at the caller's `expectedHead`; `head` is where it is now. */
export class ArtifactConflict extends Error {
  override readonly name = "ArtifactConflict";
  constructor(readonly head: string | null) {
    super(`the artifact repository moved on: main is at ${head ?? "nothing"}`);
  }
}

/**
 * Authored artifacts (custom tools, skills) of one scope live in one git repository, on `main`
 * (DESIGN §8). Every commit replaces the whole tree, so a commit id names a complete snapshot.
 */
export interface ArtifactStore {
  head(repo: string): Promise<string | null>;
  commit(
    repo: string,
    input: { files: Record<string, string>; author: ArtifactAuthor; message: string; expectedHead: string | null },
  ): Promise<ArtifactCommit>;
  /** Every file at `ref` (a commit id or branch), or null when the repository or ref is unknown. */
  files(repo: string, ref: string): Promise<Record<string, string> | null>;
  /** History of `main`, newest first (default 50, at most 500). */
  log(repo: string, opts?: { limit?: number }): Promise<ArtifactCommit[]>;
}

/** Repository names the backends accept (Cloudflare Artifacts and scripts/git-backend.mjs alike). */
const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The repository of a scope: `scope-<id>`, with any character git remotes dislike turned into '-'. */
export function repoForScope(scopeId: string): string {
  return `scope-${scopeId.replace(/[^A-Za-z0-9._-]/g, "-")}`;
}

/**
 * The store for this deployment. Locally (npm start, vitest) `env.GIT` is a Node fetcher over plain
 * bare repositories (scripts/git-backend.mjs); it is checked first because a local `ARTIFACTS`
 * binding may exist and throw when used. In the cloud, `env.ARTIFACTS` is Cloudflare Artifacts.
 */
export function artifactStore(env: { GIT?: Fetcher; ARTIFACTS?: ArtifactsNamespaceLike }): ArtifactStore {
  if (env.GIT) return localStore(env.GIT);
  if (env.ARTIFACTS) return cloudStore(env.ARTIFACTS, remoteOnlyFetch(env.ARTIFACTS));
  throw new Error("no artifact store is configured: neither the GIT nor the ARTIFACTS binding is present");
}

/**
 * The global (egress-guarded) fetch, allowed only to the origin of the repository's own `remote`:
 * the only place a write token may be sent. Git URLs name the repository: `/git/<namespace>/<repo>.git/…`.
 */
export function remoteOnlyFetch(ns: ArtifactsNamespaceLike): GitFetch {
  const origins = new Map<string, Promise<string>>();
  const originOf = (repo: string): Promise<string> => {
    let origin = origins.get(repo);
    if (!origin) {
      origin = ns.get(repo).then(async (handle) => {
        try {
          return new URL((await handle.info()).remote).origin;
        } finally {
          handle[Symbol.dispose]?.();
        }
      });
      origin.catch(() => origins.delete(repo)); // a failed lookup is not remembered
      origins.set(repo, origin);
    }
    return origin;
  };
  return async (url, init) => {
    const target = new URL(url);
    const repo = /^\/git\/[^/]+\/([^/]+)\.git\//.exec(target.pathname)?.[1];
    if (!repo || !REPO.test(repo) || target.origin !== (await originOf(repo))) {
      throw new Error(`refusing a git request outside the artifact repository's remote (${target.origin})`);
    }
    return fetch(target.href, { ...init, redirect: "manual" });
  };
}

function localStore(git: Fetcher): ArtifactStore {
  async function call(repo: string, path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
    if (!REPO.test(repo)) throw new Error(`not an artifact repository name: ${JSON.stringify(repo)}`);
    const res = await git.fetch(`http://git.local/repos/${repo}/${path}`, init);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`artifact store answered ${res.status} with a body that is not JSON`);
    }
    return { status: res.status, body };
  }

  function expect<T extends z.ZodType>(schema: T, answer: { status: number; body: unknown }): z.infer<T> {
    if (answer.status !== 200) {
      const error = ArtifactErrorAnswer.safeParse(answer.body);
      const what = error.success ? `${error.data.error}${error.data.message ? `: ${error.data.message}` : ""}` : "no detail";
      throw new Error(`artifact store answered ${answer.status} (${what})`);
    }
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw new Error(`artifact store answer has an unexpected shape: ${parsed.error.message}`);
    return parsed.data;
  }

  return {
    async head(repo) {
      return expect(ArtifactHeadAnswer, await call(repo, "head")).head;
    },

    async commit(repo, input) {
      const answer = await call(repo, "commit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      if (answer.status === 409) {
        const conflict = ArtifactConflictAnswer.safeParse(answer.body);
        if (conflict.success) throw new ArtifactConflict(conflict.data.head);
      }
      return expect(ArtifactCommit, answer);
    },

    async files(repo, ref) {
      const answer = await call(repo, `files?ref=${encodeURIComponent(ref)}`);
      if (answer.status === 404) return null;
      return expect(ArtifactFilesAnswer, answer).files;
    },

    async log(repo, opts = {}) {
      const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 500);
      return expect(ArtifactLogAnswer, await call(repo, `log?limit=${limit}`)).commits;
    },
  };
}
