import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { ToolProxyProps } from "../../schemas";
import type { AuthContext } from "../shared/auth-context";
import { runCode } from "./run-code";

// Code runs in a real Worker Loader isolate with the real ToolProxy (ctx.exports) and the real ledger.
// Each test uses its own org, so its Runs are its own.
let n = 0;
function caller(overrides: Partial<AuthContext["principal"]> = {}): AuthContext {
  n += 1;
  const org = `org_coderun${n}`;
  const user = `user_coderun0${n}`.padEnd(14, "0");
  return {
    identity: { user: { id: user, email: "canary-caller-7d2f@example.com", createdAt: 1 }, org: { id: org, name: "Org", createdAt: 1 }, role: "owner" },
    grant: { toolkit: null, capabilities: ["administer", "approve", "manage-keys"] },
    principal: { kind: "api_key", credentialId: `key_coderun${n}`, userId: user, orgId: org, chain: [{ id: org, kind: "org" }, { id: user, kind: "user" }], narrowings: [], ...overrides },
  };
}

const toolProxy = (props: ToolProxyProps): unknown => (exports as unknown as { ToolProxy: (o: { props: ToolProxyProps }) => unknown }).ToolProxy({ props });
const run = (auth: AuthContext, code: string, timeoutMs = 10_000) => runCode(env, auth, { code, timeoutMs, surface: "http", base: "http://gw", toolProxy });

describe("run_code in a Dynamic Worker", () => {
  it("runs TypeScript as an async function body, returns its value and records one Run with the sandbox class", async () => {
    const auth = caller();
    const out = await run(auth, "const xs: number[] = [1, 2, 3];\nconsole.log('sum of', xs.length);\nreturn { sum: xs.reduce((a, b) => a + b, 0) };");
    expect(out.kind).toBe("succeeded");
    if (out.kind !== "succeeded") return;
    expect(out.value).toEqual({ sum: 6 });
    expect(out.logs).toEqual(["[log] sum of 3"]);
    expect(out.run).toMatchObject({ status: "succeeded", sandbox: "dynamic-worker", address: `code.${auth.principal.orgId}.sandbox.run_code`, logs: ["[log] sum of 3"] });
    expect(out.run.artifactVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("runs a module whose default export is an async function", async () => {
    const out = await run(caller(), "export default async function (tools: unknown) { return 'module'; }");
    expect(out.kind === "succeeded" && out.value).toBe("module");
  });

  it("answers a syntax error with its line and column, recording a rejected Run", async () => {
    const out = await run(caller(), "const a = 1;\nconst b = ;\nreturn a;");
    expect(out.kind).toBe("invalid");
    if (out.kind !== "invalid") return;
    expect(out.error).toMatchObject({ code: "syntax_error", line: 2 });
    expect(out.run.status).toBe("rejected");
  });

  it("fails the Run with the thrown message and a stack pointing at the caller's own line", async () => {
    const out = await run(caller(), "const a = 1;\nthrow new TypeError('bad ' + a);");
    expect(out.kind).toBe("failed");
    if (out.kind !== "failed") return;
    expect(out.error.message).toBe("TypeError: bad 1");
    expect(out.error.line).toBe(2);
    expect(out.error.stack).toContain("code:2:");
    expect(out.error.stack).not.toContain("harness");
    expect(out.run).toMatchObject({ status: "failed", error: { code: "code_error" } });
  });

  it("times out a run that never finishes, saying after how long", async () => {
    const out = await run(caller(), "for (;;) await new Promise((r) => setTimeout(r, 20));", 300);
    expect(out.kind === "failed" && out.error).toMatchObject({ code: "timeout", message: expect.stringContaining("300 ms") });
  });

  it("fails a run that awaits what can never settle, without waiting for the timeout", async () => {
    const started = Date.now();
    const out = await run(caller(), "await new Promise(() => {});", 20_000);
    expect(out.kind === "failed" && out.error.code).toBe("hung");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("stops a run that spins the CPU, even one that catches the stop, and the host stays responsive", async () => {
    const started = Date.now();
    const out = await run(caller(), "for (;;) { try { for (;;) {} } catch {} }", 20_000);
    expect(out.kind === "failed" && out.error).toMatchObject({ code: "code_error", message: expect.stringContaining("budget") });
    expect(Date.now() - started).toBeLessThan(15_000);
    const next = await run(caller(), "return 'still here';");
    expect(next.kind === "succeeded" && next.value).toBe("still here");
  });

  it("refuses code that names the reserved meter, so it cannot be shadowed or refilled", async () => {
    const out = await run(caller(), "const __executor_step = () => {};\nfor (;;) {}");
    expect(out.kind === "invalid" && out.error).toMatchObject({ code: "syntax_error", line: 1 });
  });

  it("cannot reach the network: fetch and connect throw inside the sandbox", async () => {
    const out = await run(
      caller(),
      `import { connect } from "cloudflare:sockets";
       export default async function () {
         const tried = [];
         try { await fetch("http://127.0.0.1:9/"); tried.push("fetch open"); } catch (e) { tried.push("fetch blocked"); }
         try { const s = connect("127.0.0.1:9"); await s.opened; tried.push("connect open"); } catch (e) { tried.push("connect blocked"); }
         return tried;
       }`,
    );
    expect(out.kind === "succeeded" && out.value).toEqual(["fetch blocked", "connect blocked"]);
  });

  it("holds no binding and no secret: its env is empty and nothing of the caller's props is reachable", async () => {
    const auth = caller();
    const out = await run(
      auth,
      `import { env } from "cloudflare:workers";
       export default async function (tools) {
         const seen = [];
         const walk = (v, depth) => { if (depth > 3 || v === null || (typeof v !== "object" && typeof v !== "function")) return;
           for (const k of Object.getOwnPropertyNames(v)) { seen.push(k); try { walk(v[k], depth + 1); } catch {} } };
         walk(globalThis, 0); walk(tools, 0); walk(Object.getPrototypeOf(tools), 0);
         return { env: Object.keys(env), props: typeof tools.props, text: seen.join(",") };
       }`,
    );
    expect(out.kind).toBe("succeeded");
    if (out.kind !== "succeeded") return;
    const value = out.value as { env: string[]; props: string; text: string };
    expect(value.env).toEqual([]);
    for (const secret of [auth.identity.user.email, auth.principal.credentialId, "VAULT_KEY", "dGVzdC12YXVsdC1rZXkt"]) {
      expect(JSON.stringify(value)).not.toContain(secret);
    }
  });

  it("cannot make new code or reach the host through prototypes: no Function constructor, no eval, its own globalThis", async () => {
    const out = await run(
      caller(),
      `const tries = {};
       try { tries.fn = (() => {}).constructor("return globalThis")(); } catch (e) { tries.fn = e.name; }
       try { tries.eval = eval("1 + 1"); } catch (e) { tries.eval = e.name; }
       try { tries.viaProto = Object.getPrototypeOf(async function () {}).constructor("return 1")(); } catch (e) { tries.viaProto = e.name; }
       Object.prototype.polluted = "yes";
       tries.proxyType = typeof tools.call;
       return tries;`,
    );
    expect(out.kind).toBe("succeeded");
    if (out.kind !== "succeeded") return;
    expect(out.value).toEqual({ fn: "EvalError", eval: "EvalError", viaProto: "EvalError", proxyType: "function" });
    // The host is another isolate: the pollution stayed in the sandbox.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("makes every tool call a child Run under the code Run, through the one invocation path", async () => {
    const auth = caller();
    const out = await run(
      auth,
      `const missing = await tools.call("pets.${auth.principal.orgId}.work.listPets", {}).catch((e) => ({ code: e.code, name: e.name, runId: e.runId ?? null }));
       const named = await tools.pets.work.listPets({}).catch((e) => e.code);
       return { missing, named };`,
    );
    expect(out.kind).toBe("succeeded");
    if (out.kind !== "succeeded") return;
    // No such tool: refused exactly as on every surface (404, no child Run).
    expect(out.value).toEqual({ missing: { code: "not-found", name: "ToolError", runId: null }, named: "not-found" });
  });

  it("refuses a toolkit-bound credential whose toolkit does not grant run_code", async () => {
    const auth = caller({ narrowings: [{ label: "org_x/kit", tools: [], patterns: [] }] });
    await expect(run(auth, "return 1;")).rejects.toMatchObject({ status: 403 });
    const runs = await runLedger(env.RUN_LEDGER, auth.principal.orgId).list({ limit: 10 });
    expect(runs.ok && runs.value.runs).toEqual([]);
  });
});
