import { Hono } from "hono";
import { ApiKeyInput, MemberInput } from "../../../schemas";
import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { inviteMember } from "../accounts/invitations";
import { createApiKey, listApiKeys, revokeApiKey } from "../accounts/keys";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";
import { requireWholeAuthority } from "../catalog/scope-access";
import { unwrap } from "../../shared/result";

/** API keys and org members under /v1; every route acts only within the caller's own org. */
export const v1Keys = new Hono<AppEnv>()
  .use("/v1/api-keys", requireAuth("v1"))
  .use("/v1/api-keys/*", requireAuth("v1"))
  .use("/v1/org/*", requireAuth("v1"))
  .get("/v1/api-keys", async (c) => c.json({ apiKeys: await listApiKeys(c.env, c.get("auth")) }))
  .post("/v1/api-keys", async (c) => {
    const created = await createApiKey(c.env, c.get("auth"), await readJson(c, ApiKeyInput));
    c.header("cache-control", "no-store");
    return c.json(created, 201);
  })
  .delete("/v1/api-keys/:id", async (c) => c.json({ apiKey: await revokeApiKey(c.env, c.get("auth"), c.req.param("id")) }))
  .get("/v1/org/members", async (c) => {
    requireWholeAuthority(c.get("auth"));
    const { org } = c.get("auth").identity;
    return c.json({ org, members: unwrap(await accountDirectory(c.env.ACCOUNT_DIRECTORY).listMembers(org.id)) });
  })
  /** Invites by email: the person joins only through the single-use link mailed to that address. */
  .post("/v1/org/members", async (c) => {
    const input = await readJson(c, MemberInput);
    return c.json({ member: await inviteMember(c.env, c.get("auth"), input) }, 201);
  });
