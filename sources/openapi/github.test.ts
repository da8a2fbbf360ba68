import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../schemas";
import { SourceManifest } from "../../schemas";
import { openApiPlugin } from "./index";

// GitHub's complete REST description (13 MB, 1,000+ operations, deeply shared and circular schemas):
// the plugin must resolve it well within a Worker isolate's 128 MB.
const require = createRequire(import.meta.url);
const githubPath = require.resolve("@octokit/openapi/generated/api.github.com.json");

const noFetch = (): Promise<Response> => Promise.reject(new Error("no network in this test"));

describe("GitHub's REST description", () => {
  it("resolves every operation within the memory budget", async () => {
    const document = readFileSync(githubPath, "utf8");
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    const started = performance.now();
    const progress: number[] = [];
    const manifest = await openApiPlugin.resolveTools(
      { document: true },
      {
        fetch: noFetch,
        document,
        progress: (n) => {
          progress.push(n);
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        },
      },
    );
    const elapsed = performance.now() - started;
    gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    const bytes = manifest.tools.reduce((sum, t) => sum + JSON.stringify(t).length, 0);
    console.log(
      `github: ${manifest.tools.length} tools in ${Math.round(elapsed)} ms; heap delta ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB` +
        ` (peak seen ${((peak - heapBefore) / 1e6).toFixed(1)} MB); manifest JSON ${(bytes / 1e6).toFixed(1)} MB`,
    );

    expect(manifest.tools.length).toBeGreaterThan(1000);
    expect(heapAfter - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(progress.at(-1)).toBe(manifest.tools.length);
    expect(new Set(manifest.tools.map((t) => t.name)).size).toBe(manifest.tools.length);
    expect(() => SourceManifest.parse(manifest)).not.toThrow();

    const get = manifest.tools.find((t) => t.name === "repos/get");
    expect(get?.sideEffect).toBe("read");
    expect(get?.inputSchema?.required).toEqual(["owner", "repo"]);
    expect(get?.invocation).toMatchObject({ method: "GET", path: "/repos/{owner}/{repo}", server: "https://api.github.com" });
    expect(manifest.tools.find((t) => t.name === "repos/delete")?.sideEffect).toBe("destructive");

    // Every $ref of every schema points into that schema's own $defs, and every schema compiles.
    for (const t of manifest.tools) {
      for (const schema of [t.inputSchema, t.outputSchema]) {
        if (schema === undefined) continue;
        const defs = new Set(Object.keys((schema.$defs ?? {}) as object));
        for (const ref of refsIn(schema)) {
          const key = decodeURIComponent(ref.slice("#/$defs/".length)).replace(/~1/g, "/").replace(/~0/g, "~");
          expect(defs.has(key), `${t.name}: ${ref}`).toBe(true);
        }
      }
      expect(() => new Validator(structuredClone(t.inputSchema ?? {}), "2020-12")).not.toThrow();
    }
    const create = manifest.tools.find((t) => t.name === "issues/create");
    const validator = new Validator(structuredClone(create?.inputSchema ?? {}), "2020-12");
    expect(validator.validate({ owner: "o", repo: "r", body: { title: "Bug", labels: ["bug"] } }).valid).toBe(true);
    expect(validator.validate({ owner: "o", repo: "r", body: { labels: ["bug"] } }).valid).toBe(false);
  }, 60_000);
});

function refsIn(value: JsonValue | undefined, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else if (k !== "enum" && k !== "const" && k !== "default" && k !== "examples") refsIn(v, out);
    }
  }
  return out;
}
