import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuthContext } from "../../shared/auth-context";
import { HttpError } from "../../shared/problem";
import { callTool } from "../../invoke/call";
import { deploy, history, rollback } from "./deploy";

// Deploys go through the real git backend (the GIT binding), real sandboxes and the real catalog;
// each test uses its own org, so its repository and catalog are its own.
let n = 0;
function owner(narrowings: AuthContext["principal"]["narrowings"] = []): AuthContext {
  n += 1;
  const org = `org_deploy${n}${Date.now().toString(36)}`;
  const user = `user_deploy${n}`.padEnd(14, "0");
  return {
    identity: { user: { id: user, email: "ada@example.com", createdAt: 1 }, org: { id: org, name: "Org", createdAt: 1 }, role: "owner" },
    grant: { toolkit: null, capabilities: ["administer", "approve", "manage-keys"] },
    principal: { kind: "session", credentialId: `ses_deploy${n}`, userId: user, orgId: org, chain: [{ id: org, kind: "org" }, { id: user, kind: "user" }], narrowings },
  };
}

const GREET = `import { defineTool } from "executor";
import { z } from "zod";
export default defineTool({
  name: "greet",
  description: "Greets someone by name.",
  sideEffect: "read",
  input: z.object({ name: z.string().min(1) }),
  output: z.object({ text: z.string() }),
  handler: async ({ name }: { name: string }, ctx) => ({ text: "Hello, " + name + " via " + ctx.connection }),
});
`;

const SKILL = `---
name: greeting
description: How to greet customers politely.
public: true
---
Use the greet tool with the customer's first name.
`;

async function refusal(work: Promise<unknown>): Promise<HttpError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("deploying authored artifacts", () => {
  it("checks without writing, deploys, calls the tool with its commit on the Run, and rolls back", async () => {
    const auth = owner();
    const scope = auth.principal.orgId;
    const check = await deploy(env, auth, scope, { files: { "executor/tools/greet.ts": GREET, "executor/skills/greeting/SKILL.md": SKILL }, message: "Add greet", check: true });
    expect(check).toMatchObject({ check: true, commit: null, live: null, tools: { added: [{ name: "greet", sideEffect: "read", calls: [] }] }, skills: { added: [{ name: "greeting", public: true }] }, sideEffects: { read: 1, write: 0, destructive: 0 } });
    expect((await history(env, scope, 10)).commits).toEqual([]);

    const first = await deploy(env, auth, scope, { files: { "tools/greet.ts": GREET, "skills/greeting/SKILL.md": SKILL }, message: "Add greet", check: false });
    expect(first.commit?.commit).toMatch(/^[0-9a-f]{40}$/);
    const out = await callTool(env, auth, { address: `custom.${scope}.default.greet`, args: { name: "Ada" }, surface: "http" });
    expect(out.run.error).toBeNull();
    if (out.kind !== "succeeded") return;
    expect(out.value).toEqual({ text: "Hello, Ada via default" });
    expect(out.run).toMatchObject({ artifactVersion: first.commit?.commit, sandbox: "dynamic-worker", status: "succeeded" });

    const bad = await callTool(env, auth, { address: `custom.${scope}.default.greet`, args: { name: "" }, surface: "http" });
    expect(bad.kind).toBe("rejected");

    const second = await deploy(env, auth, scope, { files: { "tools/greet.ts": GREET.replace("Hello, ", "Hi, ") }, message: "Shorter greeting", check: false });
    expect(second.tools.changed.map((t) => t.name)).toEqual(["greet"]);
    expect(second.skills.removed).toEqual(["greeting"]);
    const hi = await callTool(env, auth, { address: `custom.${scope}.default.greet`, args: { name: "Ada" }, surface: "http" });
    expect(hi.kind === "succeeded" && hi.value).toEqual({ text: "Hi, Ada via default" });

    const back = await rollback(env, auth, scope, { commit: first.commit?.commit ?? "" });
    const log = await history(env, scope, 10);
    expect(log.commits.map((c) => c.restores)).toEqual([first.commit?.commit, null, null]);
    expect(log.live).toBe(back.commit?.commit);
    const again = await callTool(env, auth, { address: `custom.${scope}.default.greet`, args: { name: "Ada" }, surface: "http" });
    expect(again.kind === "succeeded" && again.value).toEqual({ text: "Hello, Ada via default" });
    expect(again.run.artifactVersion).toBe(back.commit?.commit);
  });

  it("refuses a file that does not compile with its line and column, and commits nothing", async () => {
    const auth = owner();
    const scope = auth.principal.orgId;
    const error = await refusal(deploy(env, auth, scope, { files: { "tools/greet.ts": GREET, "tools/broken.ts": "export default {\n  name: 'broken',,\n};\n" }, message: "x", check: false }));
    expect(error.status).toBe(422);
    expect(error.extra.errors).toEqual([expect.objectContaining({ path: "tools/broken.ts", line: 2 })]);
    expect((await history(env, scope, 10)).commits).toEqual([]);
    const imports = await refusal(deploy(env, auth, scope, { files: { "tools/net.ts": 'import fs from "node:fs";\nexport default fs;' }, message: "x", check: false }));
    expect(imports.message).toContain("tools/net.ts:1:");
    // Described together when all load; one that throws as it loads is named on its own.
    const throwing = await refusal(deploy(env, auth, scope, { files: { "tools/greet.ts": GREET, "tools/boom.ts": 'throw new Error("boom at load");\nexport default 1;' }, message: "x", check: true }));
    expect(throwing.extra.errors).toEqual([{ path: "tools/boom.ts", message: expect.stringContaining("boom at load") }]);
    const named = await refusal(deploy(env, auth, scope, { files: { "tools/other.ts": GREET }, message: "x", check: false }));
    expect(named.message).toContain("must be its file's name 'other'");
    const big = await refusal(deploy(env, auth, scope, { files: { "tools/big.ts": `// ${"x".repeat(300_000)}\n${GREET}` }, message: "x", check: false }));
    expect(big.status).toBe(413);
    expect((await history(env, scope, 10)).commits).toEqual([]);
  });

  it("runs a tool's own calls with its author's toolkit and its declared calls: outside them is not found", async () => {
    const auth = owner();
    const scope = auth.principal.orgId;
    const caller = `import { defineTool } from "executor";
export default defineTool({
  name: "relay", description: "Calls greet.", sideEffect: "read", calls: ["custom.*.*.greet"],
  input: { type: "object", properties: { target: { type: "string" } }, required: ["target"] },
  handler: async ({ target }, ctx) => {
    try { return await ctx.tools.call(target, { name: "Bo" }); } catch (e) { return { refused: e.code }; }
  },
});
`;
    await deploy(env, auth, scope, { files: { "tools/greet.ts": GREET, "tools/relay.ts": caller, "tools/echo.ts": GREET.replaceAll("greet", "echo") }, message: "relay", check: false });
    const ok = await callTool(env, auth, { address: `custom.${scope}.default.relay`, args: { target: `custom.${scope}.default.greet` }, surface: "http" });
    expect(ok.kind === "succeeded" && ok.value).toEqual({ text: "Hello, Bo via default" });
    const outside = await callTool(env, auth, { address: `custom.${scope}.default.relay`, args: { target: `custom.${scope}.default.echo` }, surface: "http" });
    expect(outside.kind === "succeeded" && outside.value).toEqual({ refused: "not-found" });
  });

  it("keeps the recorded author of code deployed again: a rollback never gives an agent's tool the deployer's authority", async () => {
    const auth = owner();
    const scope = auth.principal.orgId;
    const relay = `import { defineTool } from "executor";
export default defineTool({
  name: "relay", description: "Calls greet.", sideEffect: "read", calls: ["custom.*.*.greet"],
  input: { type: "object", properties: {} },
  handler: async (_a, ctx) => { try { return await ctx.tools.call("custom.${scope}.default.greet", { name: "Bo" }); } catch (e) { return { refused: e.code }; } },
});
`;
    // An author narrowed to a toolkit that holds relay but not greet.
    const narrow: AuthContext = { ...auth, principal: { ...auth.principal, narrowings: [{ label: `${scope}/only-relay`, tools: [], patterns: ["custom.*.*.relay"] }] } };
    const first = await deploy(env, narrow, scope, { files: { "tools/greet.ts": GREET, "tools/relay.ts": relay }, message: "by the agent", check: false });
    const refused = { refused: "not-found" };
    const call = async () => callTool(env, auth, { address: `custom.${scope}.default.relay`, args: {}, surface: "http" });
    expect(((await call()) as { value?: unknown }).value).toEqual(refused);
    await deploy(env, auth, scope, { files: { "tools/greet.ts": GREET }, message: "drop relay", check: false });
    await rollback(env, auth, scope, { commit: first.commit?.commit ?? "" });
    expect(((await call()) as { value?: unknown }).value).toEqual(refused);
  });

  it("refuses what a check cannot see through: oversized schemas, '..' paths; a message cannot claim to restore", async () => {
    const auth = owner();
    const scope = auth.principal.orgId;
    const huge = `import { defineTool } from "executor";
const properties = {};
for (let i = 0; i < 20000; i++) properties["p" + i] = { type: "string", description: "x".repeat(10) };
export default defineTool({ name: "huge", description: "Big.", sideEffect: "read", input: { type: "object", properties }, handler: async () => 1 });
`;
    expect((await refusal(deploy(env, auth, scope, { files: { "tools/huge.ts": huge }, message: "x", check: false }))).status).toBe(413);
    const dots = await refusal(deploy(env, auth, scope, { files: { "skills/x/../../evil.md": "hi" }, message: "x", check: true }));
    expect(dots.status).toBe(422);
    expect((await history(env, scope, 10)).commits).toEqual([]);
    await deploy(env, auth, scope, { files: { "tools/greet.ts": GREET }, message: `Sneaky\n\nRestores: ${"a".repeat(40)}`, check: false });
    const [only] = (await history(env, scope, 10)).commits;
    expect(only?.restores).toBeNull();
    expect(only?.message).toBe("Sneaky");
  });

  it("stops custom tools nesting deeper than two levels", async () => {
    const auth = owner();
    const scope = auth.principal.orgId;
    const loop = `import { defineTool } from "executor";
export default defineTool({
  name: "loop", description: "Calls itself.", sideEffect: "read", calls: ["custom.*.*.loop"],
  input: { type: "object", properties: { depth: { type: "integer" } } },
  handler: async ({ depth = 0 }, ctx) => {
    try { return { depth, inner: await ctx.tools.call("custom.${scope}.default.loop", { depth: depth + 1 }) }; }
    catch (e) { return { depth, stopped: e.message }; }
  },
});
`;
    await deploy(env, auth, scope, { files: { "tools/loop.ts": loop }, message: "loop", check: false });
    const out = await callTool(env, auth, { address: `custom.${scope}.default.loop`, args: {}, surface: "http" });
    expect(out.kind === "succeeded" && out.value).toEqual({ depth: 0, inner: { depth: 1, stopped: expect.stringContaining("may nest 2 deep") } });
  });
});
