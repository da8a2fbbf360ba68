import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Platform } from "./platform";
import { removeDataDir, startPlatform } from "./platform";

describe("npm start", () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it("prints the web URL, the MCP URL and the API base", () => {
    const out = platform.output();
    expect(out).toContain(`Web       ${platform.baseUrl}/`);
    expect(out).toContain(`MCP       ${platform.baseUrl}/mcp`);
    expect(out).toContain(`API base  ${platform.baseUrl}/v1`);
  });

  it("serves /healthz with every binding live", async () => {
    const res = await fetch(`${platform.baseUrl}/healthz`, { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe("ok");
    expect(Object.entries(body.checks).map(([k, v]) => `${k}:${v.status}`).sort()).toEqual([
      "durableObject:ok",
      "kv:ok",
      "mail:ok",
      "oauth:ok",
      "workerLoader:ok",
      "workflow:ok",
    ]);
  });

  it("answers unknown routes with a problem document", async () => {
    const res = await fetch(`${platform.baseUrl}/nowhere`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("persists state in the project-local data folder it was given", () => {
    const entries = readdirSync(platform.dataDir, { recursive: true }).map(String);
    expect(entries.some((e) => e.includes("ScopeCatalog") || e.endsWith(".sqlite"))).toBe(true);
  });
});
