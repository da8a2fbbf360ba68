import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpWithKey } from "./api";
import type { Account } from "./api";
import { consentAndGetCode, signUpInBrowser } from "./browserless";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";
import type { Petstore } from "./upstreams/petstore";
import { petstoreSpec, startPetstore } from "./upstreams/petstore";
import { browserCommand } from "../../cli/src/oauth";

type Seen = { method: string; url: string; body: string };
/** A fake server on 127.0.0.1 in this process, recording what it is sent. */
async function fakeServer(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
const sendJson = (res: ServerResponse, status: number, body: unknown, type = "application/json"): void => {
  res.writeHead(status, { "content-type": type }).end(JSON.stringify(body));
};

// The real `executor` command (cli/bin/executor.mjs, the package.json bin) against two running platforms.
const ROOT = resolve(import.meta.dirname, "../..");
const CONNECTION_SECRET = "cli-canary-3f9d2b-secret";

type Result = { code: number | null; stdout: string; stderr: string };
type Running = { done: Promise<Result>; stderr: () => string };

describe("the executor CLI against running platforms", () => {
  const configDir = mkdtempSync(join(tmpdir(), "executor-cli-config-"));
  const work = mkdtempSync(join(tmpdir(), "executor-cli-work-"));
  let alpha: Platform;
  let beta: Platform;
  let petstore: Petstore;
  let owner: Account;
  let other: Account;
  const address = (tool: string): string => `pets.${owner.orgId}.work.${tool}`;

  function start(args: string[], stdin = ""): Running {
    const child = spawn(process.execPath, ["cli/bin/executor.mjs", ...args], {
      cwd: ROOT,
      env: { ...process.env, EXECUTOR_CONFIG_DIR: configDir, EXECUTOR_DEBUG: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(stdin);
    const done = new Promise<Result>((ok) => child.once("close", (code) => ok({ code, stdout, stderr })));
    return { done, stderr: () => stderr };
  }
  const cli = (args: string[], stdin = ""): Promise<Result> => start(args, stdin).done;
  const json = (r: Result): Record<string, unknown> => JSON.parse(r.stdout) as Record<string, unknown>;
  const oneLineError = (r: Result): void => {
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^executor: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };
  async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    [alpha, beta, petstore] = await Promise.all([startPlatform(), startPlatform(), startPetstore()]);
    [owner, other] = await Promise.all([signUpWithKey(alpha.baseUrl, "cli-owner@example.com"), signUpWithKey(beta.baseUrl, "cli-beta@example.com")]);
  });

  afterAll(async () => {
    await Promise.all([alpha?.stop(), beta?.stop(), petstore?.close()]);
    for (const p of [alpha, beta]) if (p) removeDataDir(p.dataDir);
    rmSync(configDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("prints its version", async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(await cli(["--version"])).toMatchObject({ code: 0, stdout: `executor ${version}\n` });
  });

  it("logs in with an API key from stdin; the config is 0600 in a 0700 folder and the key never appears on argv or in output", async () => {
    const args = ["login", alpha.baseUrl, "--api-key", "--name", "alpha"];
    const res = await cli(args, `${owner.key}\n`);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("cli-owner@example.com");
    expect(args.join(" ")).not.toContain(owner.key);
    expect(res.stdout + res.stderr).not.toContain(owner.key);
    expect(statSync(join(configDir, "config.json")).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(join(configDir, "config.json"), "utf8")) as { current: string; remotes: Record<string, { url: string; auth: { kind: string; key: string } }> };
    expect(saved.current).toBe("alpha");
    expect(saved.remotes.alpha).toEqual({ url: alpha.baseUrl, auth: { kind: "api_key", key: owner.key } });
    const me = await cli(["whoami", "--json"]);
    expect(me.code).toBe(0);
    expect(json(me)).toMatchObject({ user: { email: "cli-owner@example.com" }, principal: { kind: "api_key" } });
    expect(me.stdout).not.toContain(owner.key);
  });

  it("refuses a wrong key with exit 3 and one line, and saves nothing", async () => {
    const res = await cli(["login", alpha.baseUrl, "--api-key", "--name", "wrong"], "exk_not_a_real_key\n");
    expect(res.code).toBe(3);
    oneLineError(res);
    const list = json(await cli(["remotes", "list", "--json"]));
    expect((list.remotes as Array<{ name: string }>).map((r) => r.name)).toEqual(["alpha"]);
    expect(list.current).toBe("alpha");
  });

  it("uses two remotes side by side with --remote", async () => {
    expect((await cli(["login", beta.baseUrl, "--api-key", "--name", "beta"], other.key)).code).toBe(0);
    expect(json(await cli(["whoami", "--json"]))).toMatchObject({ user: { email: "cli-beta@example.com" } });
    expect(json(await cli(["whoami", "--json", "--remote", "alpha"]))).toMatchObject({ user: { email: "cli-owner@example.com" } });
    expect(json(await cli(["--remote", "beta", "whoami", "--json"]))).toMatchObject({ org: { id: other.orgId } });
    const list = json(await cli(["remotes", "list", "--json"]));
    expect(list).toMatchObject({ current: "beta" });
    expect((list.remotes as Array<{ name: string; url: string }>).map((r) => [r.name, r.url]).sort()).toEqual([["alpha", alpha.baseUrl], ["beta", beta.baseUrl]]);
    expect((await cli(["remotes", "use", "alpha"])).code).toBe(0);
    expect(json(await cli(["whoami", "--json"]))).toMatchObject({ user: { email: "cli-owner@example.com" } });
    const missing = await cli(["whoami", "--remote", "nowhere"]);
    expect(missing.code).toBe(3);
    oneLineError(missing);
  });

  it("adds a source from a file with a progress bar and its operation count on stderr, then the server's counts", async () => {
    const file = join(work, "pets.json");
    writeFileSync(file, JSON.stringify(petstoreSpec(petstore.url), null, 2));
    const res = await cli(["sources", "add", file, "--slug", "pets", "--local", "--connection", "work", "--secret-stdin"], CONNECTION_SECRET);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/reading\s+\[#+\]\s+100%/);
    expect(res.stderr).toMatch(/counting .*6 operations in 4 paths/);
    expect(res.stderr).toContain("6 operations found locally");
    expect(res.stderr).toMatch(/uploading\s+\[#+\]\s+100%/);
    expect(res.stdout).toMatch(/Added source 'pets' \(openapi\): 6 added, 0 changed/);
    expect(res.stdout + res.stderr).not.toContain(CONNECTION_SECRET);
    const listed = json(await cli(["sources", "list", "--json"]));
    expect((listed.sources as Array<{ slug: string }>).map((s) => s.slug)).toContain("pets");
    const connections = json(await cli(["connections", "list", "--json"]));
    expect(connections.connections).toEqual(expect.arrayContaining([expect.objectContaining({ source: "pets", name: "work", secretRef: expect.stringMatching(/^vault:\/\//) })]));
  });

  it("searches, describes and calls a read tool with --arg", async () => {
    const found = json(await cli(["search", "delete", "pet", "--json"]));
    expect((found.tools as Array<{ address: string }>)[0]?.address).toBe(address("deletePet"));
    const described = await cli(["describe", address("getPet")]);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain("petId");
    const called = await cli(["call", address("listPets"), "--arg", "limit=1"]);
    expect(called.code).toBe(0);
    expect(JSON.parse(called.stdout)).toEqual([{ id: 1, name: "Rex" }]);
    expect(petstore.seen[petstore.seen.length - 1]).toMatchObject({ path: "/pets?limit=1", headers: { authorization: `Bearer ${CONNECTION_SECRET}` } });
    const asJson = json(await cli(["call", address("getPet"), "--arg", "petId=2", "--json"]));
    expect(asJson).toMatchObject({ result: { id: 2, name: "Tom" }, run: { status: "succeeded", surface: "cli" } });
  });

  it("exits 6 with the review link for a gated call; another identity approves and runs show sees it succeed", async () => {
    const pending = await cli(["call", address("deletePet"), "--arg", "petId=2", "--json"]);
    expect(pending.code).toBe(6);
    oneLineError(pending);
    const body = json(pending);
    const run = body.run as { id: string; status: string };
    expect(run.status).toBe("pending_approval");
    expect((body.resume as { link: string }).link).toMatch(new RegExp(`^${alpha.baseUrl}/`));
    expect(petstore.pets.has(2)).toBe(true);
    const human = await cli(["call", address("deletePet"), "--arg", "petId=1"]);
    expect(human.code).toBe(6);
    expect(human.stdout).toMatch(new RegExp(`Review it here:\\n  ${alpha.baseUrl}/\\S+`));
    expect((await cli(["runs", "deny", /run (\S+)\)/.exec(human.stdout)?.[1] ?? "?"])).code).toBe(5); // the caller cannot decide its own call

    const approved = await fetch(`${alpha.baseUrl}/v1/runs/${run.id}/approve`, { method: "POST", headers: { authorization: `Bearer ${owner.approverKey}` } });
    expect(approved.status).toBe(200);
    const shown = await cli(["runs", "show", run.id, "--json"]);
    expect(json(shown)).toMatchObject({ run: { id: run.id, status: "succeeded" } });
    expect(petstore.pets.has(2)).toBe(false);
  });

  it("waits for the decision with --wait and prints the result", async () => {
    const waiting = start(["call", address("deletePet"), "--arg", "petId=1", "--wait", "--json"]);
    await until(() => /run (run_\S+)\)/.test(waiting.stderr()), "the review link");
    const id = /run (run_\S+)\)/.exec(waiting.stderr())?.[1] ?? "";
    expect(waiting.stderr()).toContain(`${alpha.baseUrl}/`);
    const approved = await fetch(`${alpha.baseUrl}/v1/runs/${id}/approve`, { method: "POST", headers: { authorization: `Bearer ${owner.approverKey}` } });
    expect(approved.status).toBe(200);
    const done = await waiting.done;
    expect(done.code).toBe(0);
    expect(json(done)).toMatchObject({ run: { id, status: "succeeded" } });
    expect(petstore.pets.has(1)).toBe(false);
  });

  it("answers bad input with one line on stderr and a non-zero exit", async () => {
    const invalid = await cli(["call", address("getPet"), "--arg", "petId=not-a-number"]);
    expect(invalid.code).toBe(1);
    oneLineError(invalid);
    expect(invalid.stderr).toMatch(/petId/);
    const unknown = await cli(["call", address("nope")]);
    expect(unknown.code).toBe(4);
    oneLineError(unknown);
    const malformed = await cli(["call", address("getPet"), "--arg", "petId"]);
    expect(malformed.code).toBe(2);
    oneLineError(malformed);
    const notJson = await cli(["call", address("getPet"), "--json-file", "-"], "{not json");
    expect(notJson.code).toBe(2);
    oneLineError(notJson);
    const command = await cli(["frobnicate"]);
    expect(command.code).toBe(2);
    oneLineError(command);
    const missingFile = await cli(["sources", "add", join(work, "missing.json"), "--slug", "nothing"]);
    expect(missingFile.code).toBe(2);
    oneLineError(missingFile);
    // After the progress lines of the local read, the server's refusal is one line.
    const duplicate = await cli(["sources", "add", join(work, "pets.json"), "--slug", "pets", "--local"]);
    expect(duplicate.code).toBe(1);
    const lines = duplicate.stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("executor: "))).toEqual([expect.stringContaining("a source named 'pets' already exists")]);
    expect(lines[lines.length - 1]).toMatch(/^executor: /);
  });

  it("adds a connection with its secret from stdin, never echoed", async () => {
    const res = await cli(["connections", "add", "pets", "backup"], "backup-secret-81c2\n");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Added connection 'backup' to 'pets' \(vault:\/\//);
    expect(res.stdout + res.stderr).not.toContain("backup-secret-81c2");
    const empty = await cli(["connections", "add", "pets", "nothing"], "");
    expect(empty.code).toBe(2);
    oneLineError(empty);
  });

  it("sets a blocking policy and a toolkit; a blocked call exits 5 with the reason", async () => {
    const set = await cli(["policies", "set", "--source", "pets", "--tools", "create*", "--action", "block", "--json"]);
    expect(set.code).toBe(0);
    const policy = json(set).policy as { id: string; action: string };
    expect(policy.action).toBe("block");
    expect((json(await cli(["policies", "list", "--json"])).policies as Array<{ id: string }>).map((p) => p.id)).toContain(policy.id);
    const blocked = await cli(["call", address("createPet"), "--arg", "name=Nemo"]);
    expect(blocked.code).toBe(5);
    oneLineError(blocked);
    expect(blocked.stderr).toMatch(/block/i);
    expect(petstore.seen.some((s) => s.method === "POST")).toBe(false);
    expect((await cli(["toolkits", "create", "readers", "--pattern", "pets.*.*.list*"])).code).toBe(0);
    const toolkits = json(await cli(["toolkits", "list", "--json"])).toolkits as Array<{ slug: string; patterns: string[] }>;
    expect(toolkits).toEqual(expect.arrayContaining([expect.objectContaining({ slug: "readers", patterns: ["pets.*.*.list*"] })]));
  });

  it("lists, exports and verifies Runs as JSON that parses", async () => {
    const list = json(await cli(["runs", "list", "--status", "succeeded", "--json"]));
    const runs = list.runs as Array<{ status: string }>;
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    const exported = await cli(["runs", "export"]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(expect.arrayContaining(runs.map((r) => (r as unknown as { id: string }).id)));
    expect(json(await cli(["runs", "verify", "--json"]))).toMatchObject({ ok: true });
  });

  it("logs in with OAuth (PKCE, loopback redirect), refreshes an expired token and keeps working", async () => {
    const person = await signUpInBrowser(alpha.baseUrl, "cli-oauth@example.com");
    const login = start(["login", alpha.baseUrl, "--name", "alpha-oauth", "--no-browser", "--timeout", "60"]);
    await until(() => /\/oauth\/authorize\?\S+/.test(login.stderr()), "the authorize URL");
    const authorize = new URL(/(http\S+\/oauth\/authorize\?\S+)/.exec(login.stderr())?.[1] ?? "");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("resource")).toBe(`${alpha.baseUrl}/v1`);
    const { redirect } = await consentAndGetCode(person, authorize.pathname + authorize.search);
    expect(redirect.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const delivered = await fetch(redirect);
    expect(delivered.status).toBe(200);
    // Then a second authorization, the same way, for the /mcp resource (the server binds each grant to one resource).
    const authorizeUrls = (): URL[] => [...login.stderr().matchAll(/(http\S+\/oauth\/authorize\?\S+)/g)].map((m) => new URL(m[1] ?? ""));
    await until(() => authorizeUrls().length >= 2, "the second authorize URL");
    const second = authorizeUrls()[1] as URL;
    expect(second.searchParams.get("resource")).toBe(`${alpha.baseUrl}/mcp`);
    expect(second.searchParams.get("code_challenge_method")).toBe("S256");
    expect(second.searchParams.get("client_id")).toBe(authorize.searchParams.get("client_id"));
    expect(second.searchParams.get("state")).not.toBe(authorize.searchParams.get("state"));
    const mcpConsent = await consentAndGetCode(person, second.pathname + second.search);
    expect((await fetch(mcpConsent.redirect)).status).toBe(200);
    const done = await login.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain("cli-oauth@example.com");

    type Tokens = { accessToken: string; refreshToken: string; expiresAt: number; tokenEndpoint?: string };
    const config = (): { remotes: Record<string, { auth: { kind: string; accessToken: string; refreshToken: string; expiresAt: number; mcp?: Tokens } }> } =>
      JSON.parse(readFileSync(join(configDir, "config.json"), "utf8"));
    const first = config().remotes["alpha-oauth"]?.auth;
    expect(first?.kind).toBe("oauth");
    expect((first as unknown as { tokenEndpoint: string }).tokenEndpoint).toBe(`${alpha.baseUrl}/oauth/token`);
    expect(done.stdout + done.stderr).not.toContain(first?.accessToken);
    const firstMcp = first?.mcp;
    expect(firstMcp?.tokenEndpoint).toBe(`${alpha.baseUrl}/oauth/token`);
    expect(firstMcp?.accessToken).not.toBe(first?.accessToken);
    expect(done.stdout + done.stderr).not.toContain(firstMcp?.accessToken);
    expect(done.stdout + done.stderr).not.toContain(firstMcp?.refreshToken);

    // executor mcp over stdio with the /mcp grant: lists tools and calls search.
    const bridge = async (): Promise<string> => {
      const transport = new StdioClientTransport({ command: process.execPath, args: ["cli/bin/executor.mjs", "mcp", "--remote", "alpha-oauth"], cwd: ROOT, env: { ...process.env, EXECUTOR_CONFIG_DIR: configDir, EXECUTOR_DEBUG: "" } as Record<string, string>, stderr: "pipe" });
      let stderr = "";
      transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      const mcp = new Client({ name: "cli-oauth-test", version: "1.0.0" });
      await mcp.connect(transport);
      try {
        const names = (await mcp.listTools()).tools.map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(["search", "describe", "execute"]));
        const found = await mcp.callTool({ name: "search", arguments: { query: "list pets" } });
        expect(found.isError, JSON.stringify(found)).not.toBe(true);
      } finally {
        await mcp.close();
      }
      return stderr;
    };
    const bridged = await bridge();
    expect(bridged).not.toContain(firstMcp?.accessToken);

    // An expired /mcp token: the bridge refreshes it (rotating both) and saves it; the /v1 grant is untouched.
    const expiredMcp = config();
    const mcpEntry = expiredMcp.remotes["alpha-oauth"];
    if (mcpEntry?.auth.mcp) mcpEntry.auth.mcp.expiresAt = 0;
    writeFileSync(join(configDir, "config.json"), JSON.stringify(expiredMcp), { mode: 0o600 });
    await bridge();
    const refreshedMcp = config().remotes["alpha-oauth"]?.auth;
    expect(refreshedMcp?.mcp?.accessToken).not.toBe(firstMcp?.accessToken);
    expect(refreshedMcp?.mcp?.refreshToken).not.toBe(firstMcp?.refreshToken);
    expect(refreshedMcp?.mcp?.expiresAt).toBeGreaterThan(Date.now());
    expect(refreshedMcp?.accessToken).toBe(first?.accessToken);
    expect(statSync(join(configDir, "config.json")).mode & 0o777).toBe(0o600);

    // A /mcp token the server no longer accepts although not yet expired: a 401 refreshes once and repeats.
    const rejectedMcp = config();
    const rejectedEntry = rejectedMcp.remotes["alpha-oauth"];
    if (rejectedEntry?.auth.mcp) rejectedEntry.auth.mcp.accessToken = "not-a-valid-token";
    writeFileSync(join(configDir, "config.json"), JSON.stringify(rejectedMcp), { mode: 0o600 });
    await bridge();
    expect(config().remotes["alpha-oauth"]?.auth.mcp?.accessToken).not.toBe("not-a-valid-token");
    expect(json(await cli(["whoami", "--json"]))).toMatchObject({ principal: { kind: "oauth" }, user: { email: "cli-oauth@example.com" } });

    // Expire the saved access token: the next command refreshes (rotating both tokens) and saves them.
    const saved = config();
    const entry = saved.remotes["alpha-oauth"];
    if (entry) entry.auth.expiresAt = 0;
    writeFileSync(join(configDir, "config.json"), JSON.stringify(saved), { mode: 0o600 });
    expect(json(await cli(["whoami", "--json"]))).toMatchObject({ principal: { kind: "oauth" } });
    const after = config().remotes["alpha-oauth"]?.auth;
    expect(after?.accessToken).not.toBe(first?.accessToken);
    expect(after?.refreshToken).not.toBe(first?.refreshToken);
    expect(after?.expiresAt).toBeGreaterThan(Date.now());
    expect(after?.mcp).toEqual(saved.remotes["alpha-oauth"]?.auth.mcp); // the /mcp grant is kept as it was
    expect(after?.mcp).toBeDefined();
    expect(statSync(join(configDir, "config.json")).mode & 0o777).toBe(0o600);

    // An access token the server no longer accepts (revoked, say) although not yet expired: a 401 refreshes once.
    const revoked = config();
    const current = revoked.remotes["alpha-oauth"];
    if (current) current.auth.accessToken = "not-a-valid-token";
    writeFileSync(join(configDir, "config.json"), JSON.stringify(revoked), { mode: 0o600 });
    expect(json(await cli(["whoami", "--json"]))).toMatchObject({ user: { email: "cli-oauth@example.com" } });
    expect(config().remotes["alpha-oauth"]?.auth.accessToken).not.toBe("not-a-valid-token");
  });

  it("refuses a loopback answer whose state is not the one it sent", async () => {
    const login = start(["login", alpha.baseUrl, "--name", "bad-state", "--no-browser", "--timeout", "5"]);
    await until(() => /\/oauth\/authorize\?\S+/.test(login.stderr()), "the authorize URL");
    const authorize = new URL(/(http\S+\/oauth\/authorize\?\S+)/.exec(login.stderr())?.[1] ?? "");
    const forged = new URL(authorize.searchParams.get("redirect_uri") ?? "");
    forged.search = new URLSearchParams({ code: "forged", state: "not-the-state" }).toString();
    expect((await fetch(forged)).status).toBe(400);
    const done = await login.done;
    expect(done.code).toBe(3);
    expect(json(await cli(["remotes", "list", "--json"])).remotes).not.toEqual(expect.arrayContaining([expect.objectContaining({ name: "bad-state" })]));
  });

  type SavedAuth = { kind: string; accessToken: string; refreshToken: string; expiresAt: number; tokenEndpoint?: string };
  const savedConfig = (): { current: string; remotes: Record<string, { url: string; auth: SavedAuth }> } => JSON.parse(readFileSync(join(configDir, "config.json"), "utf8"));

  it("refuses OAuth sign-in when the server names another platform's resource or authorization server", async () => {
    let prm: unknown = {};
    const evil = await fakeServer((req, res) => (req.url === "/.well-known/oauth-protected-resource/v1" ? sendJson(res, 200, prm) : sendJson(res, 404, {})));
    try {
      prm = { resource: `${beta.baseUrl}/v1`, authorization_servers: [beta.baseUrl] };
      const other = await cli(["login", evil.url, "--name", "evil", "--no-browser", "--timeout", "5"]);
      expect(other.code).toBe(3);
      oneLineError(other);
      expect(other.stderr).toContain(`not ${evil.url}/v1`);
      expect(other.stderr).not.toContain("/oauth/authorize");
      prm = { resource: `${evil.url}/v1`, authorization_servers: [beta.baseUrl] };
      const elsewhere = await cli(["login", evil.url, "--name", "evil", "--no-browser", "--timeout", "5"]);
      expect(elsewhere.code).toBe(3);
      oneLineError(elsewhere);
      expect(elsewhere.stderr).toContain("another origin");
      expect(elsewhere.stderr).not.toContain("/oauth/authorize");
      expect(Object.keys(savedConfig().remotes)).not.toContain("evil");
    } finally {
      await evil.close();
    }
  });

  it("refreshes at the token endpoint saved at login and never follows a redirect there", async () => {
    const redirecting = await fakeServer((_req, res) => res.writeHead(307, { location: `${alpha.baseUrl}/oauth/token` }).end());
    try {
      const saved = savedConfig();
      const entry = saved.remotes["alpha-oauth"];
      if (!entry) throw new Error("no alpha-oauth remote");
      const endpoint = entry.auth.tokenEndpoint;
      entry.auth.expiresAt = 0;
      entry.auth.tokenEndpoint = `${redirecting.url}/token`;
      writeFileSync(join(configDir, "config.json"), JSON.stringify(saved), { mode: 0o600 });
      const res = await cli(["whoami", "--remote", "alpha-oauth"]);
      expect(redirecting.seen.map((s) => [s.method, s.url, new URLSearchParams(s.body).get("grant_type")])).toEqual([["POST", "/token", "refresh_token"]]);
      expect(res.code).toBe(3);
      oneLineError(res);
      expect(res.stderr).toContain("redirect");
      entry.auth.tokenEndpoint = endpoint;
      writeFileSync(join(configDir, "config.json"), JSON.stringify(saved), { mode: 0o600 });
      expect((await cli(["whoami", "--remote", "alpha-oauth"])).code).toBe(0);
    } finally {
      await redirecting.close();
    }
  });

  it("refuses a loopback answer without iss, since the server advertises it (RFC 9207)", async () => {
    const login = start(["login", alpha.baseUrl, "--name", "no-iss", "--no-browser", "--timeout", "10"]);
    await until(() => /\/oauth\/authorize\?\S+/.test(login.stderr()), "the authorize URL");
    const authorize = new URL(/(http\S+\/oauth\/authorize\?\S+)/.exec(login.stderr())?.[1] ?? "");
    const forged = new URL(authorize.searchParams.get("redirect_uri") ?? "");
    forged.search = new URLSearchParams({ code: "forged", state: authorize.searchParams.get("state") ?? "" }).toString();
    const answered = await fetch(forged);
    expect(answered.status).toBe(400);
    expect(await answered.text()).toContain("iss");
    const done = await login.done;
    expect(done.code).toBe(3);
    expect(done.stderr).toContain("no iss");
  });

  it("executor mcp on an OAuth remote without an /mcp grant (an older config) fails with one line pointing to login", async () => {
    const saved = savedConfig();
    const entry = saved.remotes["alpha-oauth"];
    if (!entry) throw new Error("no alpha-oauth remote");
    saved.remotes["alpha-legacy"] = { url: entry.url, auth: { ...entry.auth, mcp: undefined } as SavedAuth };
    writeFileSync(join(configDir, "config.json"), JSON.stringify(saved), { mode: 0o600 });
    try {
      const res = await cli(["mcp", "--remote", "alpha-legacy"]);
      expect(res.code).toBe(3);
      oneLineError(res);
      expect(res.stderr).toContain("executor login");
      expect(res.stderr).toContain("--api-key");
    } finally {
      await cli(["remotes", "remove", "alpha-legacy"]);
    }
  });

  it("login --no-mcp skips the /mcp authorization", async () => {
    const person = await signUpInBrowser(alpha.baseUrl, "cli-no-mcp@example.com");
    const login = start(["login", alpha.baseUrl, "--name", "alpha-no-mcp", "--no-browser", "--no-mcp", "--timeout", "60"]);
    await until(() => /\/oauth\/authorize\?\S+/.test(login.stderr()), "the authorize URL");
    const authorize = new URL(/(http\S+\/oauth\/authorize\?\S+)/.exec(login.stderr())?.[1] ?? "");
    const { redirect } = await consentAndGetCode(person, authorize.pathname + authorize.search);
    expect((await fetch(redirect)).status).toBe(200);
    const done = await login.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr.match(/\/oauth\/authorize\?/g)).toHaveLength(1);
    expect((savedConfig().remotes["alpha-no-mcp"]?.auth as SavedAuth & { mcp?: unknown }).mcp).toBeUndefined();
    const res = await cli(["mcp", "--remote", "alpha-no-mcp"]);
    expect(res.code).toBe(3);
    oneLineError(res);
    expect((await cli(["remotes", "remove", "alpha-no-mcp"])).code).toBe(0);
    expect((await cli(["remotes", "use", "alpha-oauth"])).code).toBe(0);
  });

  it("opens only https or loopback http in the browser, and never through a shell on Windows", () => {
    const url = "https://x.example/oauth/authorize?a=1&calc.exe";
    expect(browserCommand(url, "win32")).toEqual(["rundll32", ["url.dll,FileProtocolHandler", url]]);
    expect(browserCommand(url, "linux")).toEqual(["xdg-open", [url]]);
    expect(browserCommand("http://127.0.0.1:8787/oauth/authorize", "darwin")).toEqual(["open", ["http://127.0.0.1:8787/oauth/authorize"]]);
    expect(browserCommand("http://x.example/oauth/authorize", "win32")).toBeNull();
    expect(browserCommand("file:///etc/passwd", "linux")).toBeNull();
    expect(browserCommand("javascript:alert(1)", "linux")).toBeNull();
  });

  it("refuses plain http to a host that is not loopback unless --insecure", async () => {
    const res = await cli(["login", "http://executor.example", "--api-key", "--name", "plain"], "exk_whatever\n");
    expect(res.code).toBe(2);
    oneLineError(res);
    expect(res.stderr).toContain("--insecure");
    expect(Object.keys(savedConfig().remotes)).not.toContain("plain");
  });

  it("treats unknown remote names, inherited ones like toString included, as unknown (exit 3)", async () => {
    for (const args of [["remotes", "use", "nowhere"], ["remotes", "remove", "nowhere"], ["remotes", "use", "toString"], ["whoami", "--remote", "toString"], ["whoami", "--remote", "hasOwnProperty"]]) {
      const res = await cli(args);
      expect(res.code, args.join(" ")).toBe(3);
      oneLineError(res);
      expect(res.stderr).toContain("no remote named");
    }
    expect(savedConfig().current).not.toBe("toString");
  });

  it("strips control characters from server text in results and errors", async () => {
    const nasty = "\u001b]0;owned\u0007\u001b[2J\r";
    const fake = await fakeServer((req, res) => {
      if (req.url === "/v1/me") return sendJson(res, 200, { user: { email: `a${nasty}@example.com` }, org: { name: `org${nasty}` }, role: "owner", principal: { kind: "api_key" }, grant: { capabilities: [] } });
      if (req.url === "/v1/runs/x") return sendJson(res, 404, { title: "Not found", detail: `no run${nasty}\nsecond line\u009b31m` }, "application/problem+json");
      res.writeHead(502, { "content-type": "text/html" }).end(`<html>\n<h1>Bad${nasty}</h1>\n</html>`);
    });
    try {
      const login = await cli(["login", fake.url, "--api-key", "--name", "fake"], "exk_fake\n");
      expect(login.code, login.stderr).toBe(0);
      expect(login.stdout).toContain("as a]0;owned[2J @example.com in org org]0;owned[2J");
      const shown = await cli(["runs", "show", "x", "--remote", "fake"]);
      expect(shown.code).toBe(4);
      oneLineError(shown);
      mkdirSync(join(work, "proj/executor"), { recursive: true });
      const deploy = await cli(["deploy", join(work, "proj"), "--check", "--remote", "fake"]);
      expect(deploy.code).toBe(1);
      oneLineError(deploy);
      expect(deploy.stderr).toContain("502");
      for (const r of [login, shown, deploy]) expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect((await cli(["remotes", "remove", "fake"])).code).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
