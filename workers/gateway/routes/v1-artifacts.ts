import { Hono } from "hono";
import { DeployRequest, RollbackRequest } from "../../../schemas";
import { HttpError } from "../../shared/problem";
import { deploy, history, rollback } from "../artifacts/deploy";
import { artifactStore, repoForScope } from "../artifacts/store";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { requireWholeAuthority, scopeId, scopeQuery, writableScope } from "../catalog/scope-access";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { unwrap } from "../../shared/result";
import type { AppEnv } from "../env";

/** A deploy carries source files: up to the artifact limits plus JSON overhead. */
const DEPLOY_BODY_LIMIT = 5 * 1024 * 1024;

function limitQuery(value: string | undefined): number {
  const n = value === undefined ? 50 : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw new HttpError(422, "validation-failed", "query 'limit': must be an integer from 1 to 500", { errors: [{ path: "limit", message: "must be an integer from 1 to 500" }] });
  }
  return n;
}

/**
 * Authored artifacts (issue 11): `POST /v1/artifacts/deploy` checks a set of files and, unless
 * `check: true`, commits and swaps the scope's live set; `GET /v1/artifacts/history` lists the
 * scope's commits (which is live, which restore another); `POST /v1/artifacts/rollback` restores an
 * earlier commit's files as a new commit; `GET /v1/artifacts/pull` answers the files at a ref (the
 * live commit by default) so a runtime artifact can be reviewed and promoted by a deploy.
 * Deploying changes a scope, so it needs what every catalog change needs (writableScope).
 */
export const v1Artifacts = new Hono<AppEnv>()
  .post("/v1/artifacts/deploy", requireAuth("v1"), async (c) => {
    const input = await readJson(c, DeployRequest, DEPLOY_BODY_LIMIT);
    const auth = c.get("auth");
    const scope = writableScope(auth, input.scope);
    const record = await deploy(c.env, auth, scope, {
      files: input.files,
      message: input.message ?? `Deploy ${Object.keys(input.files).length} file(s)`,
      check: input.check,
    });
    c.header("cache-control", "no-store");
    return c.json(record, record.check ? 200 : 201);
  })
  .post("/v1/artifacts/rollback", requireAuth("v1"), async (c) => {
    const input = await readJson(c, RollbackRequest);
    const auth = c.get("auth");
    const record = await rollback(c.env, auth, writableScope(auth, input.scope), input);
    return c.json(record, 201);
  })
  .get("/v1/artifacts/history", requireAuth("v1"), async (c) => {
    // Source code and private skills: administration reading, like listing sources.
    requireWholeAuthority(c.get("auth"));
    const scope = scopeId(c.get("auth"), scopeQuery(c.req.query("scope")));
    return c.json(await history(c.env, scope, limitQuery(c.req.query("limit"))));
  })
  .get("/v1/artifacts/pull", requireAuth("v1"), async (c) => {
    requireWholeAuthority(c.get("auth"));
    const scope = scopeId(c.get("auth"), scopeQuery(c.req.query("scope")));
    const ref = c.req.query("ref") ?? unwrap(await scopeCatalog(c.env.SCOPE_CATALOG, scope).liveArtifacts());
    if (ref === null) return c.json({ scope, commit: null, files: {} });
    if (!/^[0-9a-f]{40}$|^main$/.test(ref)) throw new HttpError(422, "validation-failed", "query 'ref': must be a 40-character commit id or 'main'", { errors: [{ path: "ref", message: "must be a commit id or 'main'" }] });
    const files = await artifactStore(c.env).files(repoForScope(scope), ref);
    if (!files) throw new HttpError(404, "not-found", `no commit ${ref} in this scope's artifact history`);
    // Promotion: the files under executor/ as a repository holds them, ready for review and deploy.
    return c.json({ scope, commit: ref, files: Object.fromEntries(Object.entries(files).map(([p, t]) => [`executor/${p}`, t])) });
  });
