import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, signUpWithKey } from "./api";
import type { Account } from "./api";
import type { Platform } from "./platform";
import { freePort, removeDataDir, startPlatform, tempDataDir } from "./platform";
import { secretNames, vaultKeyState } from "../../cli/src/authoring/self-host";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "cli/bin/executor.mjs");

type Ran = { code: number; stdout: string; stderr: string };

const SHOUT = `import { defineTool } from "executor";
import { z } from "zod";
import { shout } from "./lib/text.ts";

export default defineTool({
  name: "shout", description: "Shouts a text.", sideEffect: "read",
  input: z.object({ text: z.string() }),
  handler: async ({ text }) => ({ text: shout(text) }),
});
`;
const TEXT_LIB = `export function shout(text: string): string {
  return text.toUpperCase() + "!";
}
`;

// The authoring half of the CLI run as a user runs it (cli/bin/executor.mjs in a child process,
// its config in a temp folder), against the real platform: init, deploy --check then deploy,
// calls, rollback, bundling of local imports, refusals that commit nothing, pull, the stdio MCP
// bridge, and a dry-run self-host build.
describe("executor CLI: authoring", () => {
  const transcript: string[] = [];
  let platform: Platform;
  let owner: Account;
  let api: ReturnType<typeof client>;
  let configDir: string;
  let work: string;
  let first = "";

  function cli(args: string[], input?: string): Promise<Ran> {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, EXECUTOR_CONFIG_DIR: configDir }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(input ?? "");
    return new Promise((ok) =>
      child.once("close", (code) => {
        transcript.push(`$ executor ${args.join(" ")}\n${stdout}${stderr}`);
        ok({ code: code ?? -1, stdout, stderr });
      }),
    );
  }

  async function hello(name: string): Promise<unknown> {
    const res = await api.post("/v1/call", { address: `custom.${owner.orgId}.default.hello`, arguments: { name } });
    expect(res.status).toBe(200);
    return res.body.result;
  }

  const commits = async (): Promise<Array<{ commit: string; restores: string | null }>> => JSON.parse((await cli(["--json", "history"])).stdout).commits;

  beforeAll(async () => {
    platform = await startPlatform();
    owner = await signUpWithKey(platform.baseUrl, "cli-author@example.com", ["administer", "author-tools", "manage-keys"]);
    api = client(platform.baseUrl, owner.key);
    configDir = mkdtempSync(join(tmpdir(), "executor-cli-config-"));
    work = mkdtempSync(join(tmpdir(), "executor-cli-work-"));
    const login = await cli(["login", platform.baseUrl, "--api-key", "--name", "local"], `${owner.key}\n`);
    expect(login.code, login.stderr).toBe(0);
  });

  afterAll(async () => {
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
    for (const dir of [configDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("scaffolds one working tool and skill, and refuses to overwrite them without --force", async () => {
    const init = await cli(["init", work]);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(join(work, "executor/tools/hello.ts"), "utf8")).toContain("defineTool");
    expect(readFileSync(join(work, "executor/skills/hello/SKILL.md"), "utf8")).toMatch(/^---\nname: hello\n/);
    expect(readFileSync(join(work, "executor/executor.d.ts"), "utf8")).toContain('declare module "executor"');
    const again = await cli(["init", work]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("executor/tools/hello.ts");
    expect((await cli(["init", work, "--force"])).code).toBe(0);
  });

  it("deploy --check prints what would change and writes nothing", async () => {
    const check = await cli(["deploy", work, "--check"]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain("nothing was written");
    expect(check.stdout).toMatch(/\+ hello\s+read/);
    expect(check.stdout).toMatch(/Skills\n {2}\+ hello/);
    expect(check.stdout).toContain("Side effects: 1 read, 0 write, 0 destructive");
    expect(await commits()).toEqual([]);
  });

  it("deploys as a commit, and the deployed tool answers over HTTP", async () => {
    const deployed = await cli(["--json", "deploy", work, "-m", "Add hello"]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const record = JSON.parse(deployed.stdout) as { check: boolean; commit: { commit: string; message: string } };
    expect(record).toMatchObject({ check: false, commit: { message: "Add hello" } });
    first = record.commit.commit;
    expect((await commits()).map((c) => c.commit)).toEqual([first]);
    expect(await hello("Ada")).toEqual({ greeting: "Hello, Ada!" });
  });

  it("deploys a change, and rollback restores the earlier behaviour as a new commit", async () => {
    const file = join(work, "executor/tools/hello.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace("`Hello, ${name}!`", "`Howdy, ${name}!`"));
    const changed = await cli(["deploy", work]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toMatch(/~ hello/);
    expect(await hello("Ada")).toEqual({ greeting: "Howdy, Ada!" });
    const back = await cli(["rollback", first]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(`Restored ${first.slice(0, 12)}`);
    expect(await hello("Ada")).toEqual({ greeting: "Hello, Ada!" });
    expect((await commits()).map((c) => c.restores)).toEqual([first, null, null]);
    const listed = await cli(["history"]);
    expect(listed.stdout.split("\n")[0]).toMatch(new RegExp(`^\\* [0-9a-f]{12} .*\\(restores ${first.slice(0, 12)}\\)`));
    writeFileSync(file, readFileSync(file, "utf8").replace("`Howdy, ${name}!`", "`Hello, ${name}!`")); // the folder matches what is live again
  });

  it("bundles a tool's local imports into one module that works in the sandbox", async () => {
    mkdirSync(join(work, "executor/tools/lib"), { recursive: true });
    writeFileSync(join(work, "executor/tools/lib/text.ts"), TEXT_LIB);
    writeFileSync(join(work, "executor/tools/shout.ts"), SHOUT);
    const deployed = await cli(["deploy", work]);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/\+ shout\s+read/);
    const res = await api.post("/v1/call", { address: `custom.${owner.orgId}.default.shout`, arguments: { text: "hi" } });
    expect(res.body.result).toEqual({ text: "HI!" });
    const stored = (await api.get("/v1/artifacts/pull")).body.files as Record<string, string>;
    expect(stored["tools/shout.ts"] ?? stored["executor/tools/shout.ts"]).not.toContain("./lib/text");
  });

  it("names file:line:column for code that does not compile, exits non-zero, and commits nothing", async () => {
    const before = await commits();
    const broken = join(work, "executor/tools/broken.ts");
    writeFileSync(broken, 'import { defineTool } from "executor";\nexport default defineTool({\n  name: "broken",,\n});\n');
    const syntax = await cli(["deploy", work]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/executor\/tools\/broken\.ts:3:\d+ /);
    // Refused by the server (the platform's compile), positions mapped back through the bundle's source map.
    writeFileSync(broken, `import { defineTool } from "executor";\nimport { shout } from "./lib/text.ts";\nexport default defineTool({\n  name: "broken", description: "x", sideEffect: "read",\n  handler: async () => ({ at: String(import.meta.url), s: shout("a") }),\n});\n`);
    const refused = await cli(["deploy", work]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/executor\/tools\/broken\.ts:5:\d+ dynamic import\(\) and import\.meta are not available/);
    rmSync(broken);
    expect(await commits()).toEqual(before);
  });

  it("pulls the deployed files, and refuses to replace local changes without --force", async () => {
    const into = mkdtempSync(join(tmpdir(), "executor-cli-pull-"));
    try {
      const pulled = await cli(["pull", into]);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(readFileSync(join(into, "executor/tools/hello.ts"), "utf8")).toContain("`Hello, ${name}!`");
      expect(readFileSync(join(into, "executor/skills/hello/SKILL.md"), "utf8")).toContain("name: hello");
      writeFileSync(join(into, "executor/tools/hello.ts"), "// mine\n");
      const refused = await cli(["pull", into]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("executor/tools/hello.ts");
      expect((await cli(["pull", into, "--force"])).code).toBe(0);
      expect(readFileSync(join(into, "executor/tools/hello.ts"), "utf8")).toContain("defineTool");
    } finally {
      rmSync(into, { recursive: true, force: true });
    }
  });

  it("executor mcp serves the remote's /mcp over stdio: lists tools, calls search, reads skills", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, "mcp"], cwd: ROOT, env: { ...process.env, EXECUTOR_CONFIG_DIR: configDir } as Record<string, string>, stderr: "pipe" });
    const mcp = new Client({ name: "stdio-test", version: "1.0.0" });
    await mcp.connect(transport);
    try {
      const names = (await mcp.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(["search", "describe", "execute"]));
      const found = await mcp.callTool({ name: "search", arguments: { query: "greet someone by name" } });
      expect(found.isError).not.toBe(true);
      expect(JSON.stringify(found.structuredContent)).toContain(`custom.${owner.orgId}.default.hello`);
      const resources = (await mcp.listResources()).resources.map((r) => r.uri);
      expect(resources).toContain(`skill://${owner.orgId}/hello`);
      const skill = await mcp.readResource({ uri: `skill://${owner.orgId}/hello` });
      expect((skill.contents[0] as { text: string }).text).toContain("hello");
    } finally {
      await mcp.close();
    }
  });

  it("executor dev starts a local platform, deploys on start and on every save, and stops it on SIGINT", async () => {
    const port = await freePort();
    const dataDir = tempDataDir();
    // The platform started here has no remote of its own yet: --remote local names where deploys go.
    const child = spawn(process.execPath, [BIN, "dev", work, "--port", String(port), "--remote", "local"], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, EXECUTOR_CONFIG_DIR: configDir, EXECUTOR_DATA_DIR: dataDir, INSPECTOR_PORT: String(await freePort()) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
    const until = async (test: () => boolean, what: string): Promise<void> => {
      for (const deadline = Date.now() + 150_000; !test(); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${what}:\n${stdout}\n${stderr}`);
      }
    };
    try {
      await until(() => /deployed [0-9a-f]{12}: tools/.test(stdout), "no first deploy");
      expect(stderr).toContain("Executor is running");
      expect(stderr).toContain(`Deploying to remote 'local' (${platform.baseUrl}), not the local platform`);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const file = join(work, "executor/tools/hello.ts");
      writeFileSync(file, readFileSync(file, "utf8").replace("`Hello, ${name}!`", "`Hi, ${name}!`"));
      await until(() => /tools \+0 ~1 -0/.test(stdout), "no redeploy after the save");
      expect(await hello("Ada")).toEqual({ greeting: "Hi, Ada!" });
      process.kill(-(child.pid as number), "SIGINT");
      expect(await exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid as number), "SIGKILL");
      removeDataDir(dataDir);
    }
  });

  it("self-host deploy --dry-run builds the platform offline and reports its size against the Workers limits", async () => {
    const dry = await cli(["--json", "self-host", "deploy", "--dry-run", "--public-url", "https://executor.example.com"]);
    expect(dry.code, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as { bytes: number; gzipBytes: number; fits: { uncompressed: boolean } };
    expect(report.bytes).toBeGreaterThan(1024 * 1024);
    expect(report.gzipBytes).toBeLessThan(report.bytes);
    expect(report.fits.uncompressed).toBe(true);
    const human = await cli(["self-host", "deploy", "--dry-run"]);
    expect(human.stdout).toMatch(/^Bundle: [\d.]+ MiB \(gzip [\d.]+ (MiB|KiB)\)/);
    const noUrl = await cli(["self-host", "deploy"]);
    expect(noUrl.code).toBe(2);
  });

  it("answers bad input with one line and a non-zero exit, and never prints the key", async () => {
    const notCommit = await cli(["rollback", "nope"]);
    expect(notCommit.code).toBe(2);
    expect(notCommit.stderr.trim().split("\n")).toHaveLength(1);
    const empty = mkdtempSync(join(tmpdir(), "executor-cli-empty-"));
    const noFolder = await cli(["deploy", empty]);
    rmSync(empty, { recursive: true, force: true });
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toContain("run executor init");
    expect(transcript.join("\n")).not.toContain(owner.key);
  });

  it("executor dev refuses, before starting anything, to deploy to a remote that is not the local platform unless --remote names it", async () => {
    const port = await freePort();
    const res = await cli(["dev", work, "--port", String(port)]);
    expect(res.code).toBe(3);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain(`http://127.0.0.1:${port}`);
    expect(res.stderr).toContain("--remote");
  });

  it("deploy refuses a symbolic link inside executor/ (even with --check) and uploads nothing from outside", async () => {
    const outside = mkdtempSync(join(tmpdir(), "executor-cli-outside-"));
    const project = mkdtempSync(join(tmpdir(), "executor-cli-links-"));
    try {
      mkdirSync(join(outside, "leak"), { recursive: true });
      writeFileSync(join(outside, "leak/SKILL.md"), "---\nname: leak\ndescription: private\n---\nsecret-notes-7f3a\n");
      mkdirSync(join(project, "executor"), { recursive: true });
      symlinkSync(outside, join(project, "executor/skills"));
      const check = await cli(["deploy", project, "--check"]);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain("executor/skills is a symbolic link");
      rmSync(join(project, "executor/skills"));
      mkdirSync(join(project, "executor/skills/hello"), { recursive: true });
      symlinkSync(join(outside, "leak/SKILL.md"), join(project, "executor/skills/hello/SKILL.md"));
      const file = await cli(["deploy", project, "--check"]);
      expect(file.code).toBe(1);
      expect(file.stderr).toContain("executor/skills/hello/SKILL.md is a symbolic link");
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("pull and init refuse to write through symbolic links, dangling ones included", async () => {
    const outside = mkdtempSync(join(tmpdir(), "executor-cli-outside-"));
    const into = mkdtempSync(join(tmpdir(), "executor-cli-pull-links-"));
    try {
      mkdirSync(join(into, "executor/tools"), { recursive: true });
      symlinkSync(join(outside, "planted.ts"), join(into, "executor/tools/hello.ts")); // dangling
      const pulled = await cli(["pull", into]);
      expect(pulled.code).toBe(1);
      expect(pulled.stderr).toContain("executor/tools/hello.ts is a symbolic link");
      expect(existsSync(join(outside, "planted.ts"))).toBe(false);
      const init = await cli(["init", into, "--force"]);
      expect(init.code).toBe(1);
      expect(init.stderr).toContain("is a symbolic link");
      expect(existsSync(join(outside, "planted.ts"))).toBe(false);
      rmSync(join(into, "executor"), { recursive: true });
      symlinkSync(outside, join(into, "executor"));
      expect((await cli(["init", into])).code).toBe(1);
      expect((await cli(["pull", into])).code).toBe(1);
      expect(existsSync(join(outside, "tools"))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(into, { recursive: true, force: true });
    }
  });

  it("self-host reads wrangler's secret list among other lines, and never sets VAULT_KEY unless it is positively absent", () => {
    const list = JSON.stringify([{ name: "VAULT_KEY", type: "secret_text" }], null, 2);
    expect(secretNames(list)).toEqual(["VAULT_KEY"]);
    expect(vaultKeyState({ code: 0, stdout: `[debug] reading wrangler.toml\n⛅️ wrangler 4\n[]\n${list}\n`, stderr: "" })).toBe("present");
    expect(vaultKeyState({ code: 0, stdout: `[wrangler:info] listing\n[{"name":"OTHER","type":"secret_text"}]`, stderr: "" })).toBe("absent");
    expect(vaultKeyState({ code: 0, stdout: "[]", stderr: "" })).toBe("absent");
    expect(() => vaultKeyState({ code: 0, stdout: `${list}\n[debug] done`, stderr: "" })).toThrow(/not setting VAULT_KEY/);
    expect(() => vaultKeyState({ code: 0, stdout: "Not logged in.", stderr: "" })).toThrow(/wrangler secret put VAULT_KEY/);
    expect(() => vaultKeyState({ code: 1, stdout: "[]", stderr: "Authentication error" })).toThrow(/wrangler secret list failed/);
  });
});
