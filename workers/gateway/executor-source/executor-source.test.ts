import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runLedger } from "../../../durable-objects/run-ledger/client";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { CredentialCapability, JsonObject } from "../../../schemas";
import { decideRun } from "../../invoke/approvals";
import { provideExecutorActions } from "../../invoke/builtin/executor-actions";
import { callTool } from "../../invoke/call";
import { searchVisible } from "../../invoke/search";
import type { AuthContext } from "../../shared/auth-context";
import { HttpError } from "../../shared/problem";
import { executorActions } from "./index";

provideExecutorActions(executorActions);

// The built-in executor source through the one invocation path. Each test has its own org: the
// source is seeded once per org per isolate.

function who(org: string, user: string, opts: { role?: "owner" | "member"; credential?: string; capabilities?: CredentialCapability[] } = {}): AuthContext {
  const { role = "owner", credential = `key_${user.slice(5)}`, capabilities = [] } = opts;
  return {
    identity: { user: { id: user, email: `${user}@example.com`, createdAt: 0 }, org: { id: org, name: org, createdAt: 0 }, role },
    grant: { toolkit: null, capabilities },
    principal: {
      kind: credential.startsWith("ses_") ? "session" : "api_key",
      credentialId: credential,
      userId: user,
      orgId: org,
      chain: [
        { id: org, kind: "org" },
        { id: user, kind: "user" },
      ],
      narrowings: [],
    },
  };
}

const call = (auth: AuthContext, tool: string, args: JsonObject): ReturnType<typeof callTool> =>
  callTool(env, auth, { address: `executor.${auth.principal.orgId}.platform.${tool}`, args, surface: "http" });

describe("the executor source", () => {
  it("is in every org's catalog, found by a search about managing the platform", async () => {
    const agent = who("org_exsearch", "user_exsearch01");
    const page = await searchVisible(env, agent.principal, { query: "add a source from an OpenAPI document", limit: 5, cursor: 0 });
    expect(page.tools[0]?.address).toBe("executor.org_exsearch.platform.sources/add");
  });

  it("answers reads at once, recorded as Runs", async () => {
    const agent = who("org_exread", "user_exread0001");
    const outcome = await call(agent, "sources/list", {});
    expect(outcome.kind).toBe("succeeded");
    if (outcome.kind !== "succeeded") return;
    // The two built-in sources: its management actions, and the tools of the org's stores.
    expect(outcome.value).toMatchObject({ sources: [{ slug: "executor", builtIn: true }, { slug: "store", builtIn: true }] });
    expect((await runLedger(env.RUN_LEDGER, "org_exread").get(outcome.run.id)).ok).toBe(true);
  });

  it("holds writes for a person's approval by default, with the secret sealed out of the Run", async () => {
    const agent = who("org_exwrite", "user_exwrite001");
    const outcome = await call(agent, "connections/add", { scope: "org", source: "pets", name: "work", secret: "canary-EXEC-7f3a" });
    expect(outcome.kind).toBe("pending");
    expect(outcome.run.admission.reason.code).toBe("approval_required_by_default");
    const stored = unwrap(await runLedger(env.RUN_LEDGER, "org_exwrite").get(outcome.run.id));
    expect(JSON.stringify(stored)).not.toContain("canary-EXEC-7f3a");
  });

  it("refuses an approval of a management call by a member who is neither an owner nor the requester", async () => {
    const agent = who("org_exmember", "user_exowner001");
    const pending = await call(agent, "toolkits/create", { scope: "org", slug: "triage", title: "Triage", tools: [], patterns: ["*.*.*.*"] });
    expect(pending.kind).toBe("pending");
    const member = who("org_exmember", "user_exmember01", { role: "member", credential: "ses_member", capabilities: ["approve"] });
    await expect(decideRun(env, member, pending.run.id, "approve", undefined)).rejects.toThrow(HttpError);
  });

  it("runs an allowed write as the caller, held to the caller's own capabilities", async () => {
    const org = "org_exallow";
    unwrap(await scopeCatalog(env.SCOPE_CATALOG, org).createPolicy({ target: { source: "executor", tools: "toolkits/*" }, action: "approve" }));
    const weak = await call(who(org, "user_exallow001"), "toolkits/create", { scope: "org", slug: "triage", title: "Triage", patterns: ["*.*.*.*"] });
    expect(weak.kind).toBe("failed");
    expect(weak.run.error?.code).toBe("forbidden");
    const admin = who(org, "user_exallow001", { capabilities: ["administer"] });
    const made = await call(admin, "toolkits/create", { scope: "org", slug: "triage", title: "Triage", patterns: ["*.*.*.*"] });
    expect(made.kind).toBe("succeeded");
    expect(unwrap(await scopeCatalog(env.SCOPE_CATALOG, org).getToolkit("triage")).slug).toBe("triage");
  });

  it("never changes the policies that gate it, even when a policy lets the call through", async () => {
    const org = "org_exself";
    unwrap(await scopeCatalog(env.SCOPE_CATALOG, org).createPolicy({ target: { source: "executor", tools: "policies/set" }, action: "approve" }));
    const admin = who(org, "user_exself0001", { capabilities: ["administer"] });
    const outcome = await call(admin, "policies/set", { scope: "org", target: { source: "executor", tools: "*" }, action: "approve" });
    expect(outcome.kind).toBe("failed");
    expect(outcome.run.error?.message).toMatch(/cannot be changed through it/);
    expect(unwrap(await scopeCatalog(env.SCOPE_CATALOG, org).listPolicies("executor"))).toHaveLength(1);
  });
});

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
