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
 * bare repositories (scripts/git-backend.mjs); no cloud backend is wired yet.
 */
export function artifactStore(env: { GIT?: Fetcher }): ArtifactStore {
  if (!env.GIT) {
    throw new Error("no artifact store is configured: the GIT binding is absent (npm start and vitest provide it)");
  }
  return localStore(env.GIT);
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
