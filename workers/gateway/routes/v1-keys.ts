import { Hono } from "hono";
import { ApiKeyInput, MemberInput } from "../../../schemas";
import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { createApiKey, listApiKeys, revokeApiKey } from "../accounts/keys";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";
import { requireWholeAuthority } from "../catalog/scope-access";
import { HttpError } from "../problem";
import { unwrap } from "../result";

/** API keys and org members under /v1; every route acts only within the caller's own org. */
export const v1Keys = new Hono<AppEnv>()
  .use("/v1/api-keys", requireAuth("v1"))
  .use("/v1/api-keys/*", requireAuth("v1"))
  .use("/v1/org/*", requireAuth("v1"))
  .get("/v1/api-keys", async (c) => {
    requireWholeAuthority(c.get("auth"));
    return c.json({ apiKeys: await listApiKeys(c.env, c.get("auth")) });
  })
  .post("/v1/api-keys", async (c) => {
    const created = await createApiKey(c.env, c.get("auth"), await readJson(c, ApiKeyInput));
    c.header("cache-control", "no-store");
    return c.json(created, 201);
  })
  .delete("/v1/api-keys/:id", async (c) => {
    // A toolkit-bound credential administers nothing (it could otherwise revoke its owner's keys).
    requireWholeAuthority(c.get("auth"));
    return c.json({ apiKey: await revokeApiKey(c.env, c.get("auth"), c.req.param("id")) });
  })
  .get("/v1/org/members", async (c) => {
    requireWholeAuthority(c.get("auth"));
    const { org } = c.get("auth").identity;
    return c.json({ org, members: unwrap(await accountDirectory(c.env.ACCOUNT_DIRECTORY).listMembers(org.id)) });
  })
  .post("/v1/org/members", async (c) => {
    const input = await readJson(c, MemberInput);
    const auth = c.get("auth");
    // Administration needs the caller's whole authority: a toolkit-bound credential cannot do it.
    if (auth.grant.toolkit !== null) throw new HttpError(403, "forbidden", "a toolkit-bound credential cannot manage members");
    const { org, user } = auth.identity;
    const member = unwrap(
      await accountDirectory(c.env.ACCOUNT_DIRECTORY).inviteMember({ orgId: org.id, byUserId: user.id, ...input }),
    );
    return c.json({ member }, 201);
  });
