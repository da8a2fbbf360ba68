import { z } from "zod";

// The JSON answers of the artifact store backend (scripts/git-backend.mjs, the `GIT` binding).
// Used only by workers/gateway/artifacts/store.ts, which checks every answer before trusting it.

const GitOid = z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-hex git object id");

export const ArtifactAuthor = z.object({ name: z.string(), email: z.string() });
export type ArtifactAuthor = z.infer<typeof ArtifactAuthor>;

/** One commit on a scope's `main`; `at` is the author time in ms (git keeps whole seconds). */
export const ArtifactCommit = z.object({
  commit: GitOid,
  tree: GitOid,
  message: z.string(),
  author: ArtifactAuthor,
  at: z.number().int().nonnegative(),
  parents: z.array(GitOid),
});
export type ArtifactCommit = z.infer<typeof ArtifactCommit>;

export const ArtifactHeadAnswer = z.object({ head: GitOid.nullable() });
export const ArtifactFilesAnswer = z.object({ files: z.record(z.string(), z.string()) });
export const ArtifactLogAnswer = z.object({ commits: z.array(ArtifactCommit) });
export const ArtifactConflictAnswer = z.object({ error: z.literal("conflict"), head: GitOid.nullable() });
export const ArtifactErrorAnswer = z.object({ error: z.string(), message: z.string().optional() });
