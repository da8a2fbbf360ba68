import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { signUpWithKey } from "../../e2e/api";
import { usePlatform } from "../helpers";

const root = resolve(import.meta.dirname, "../../..");

/** Runs scripts/mcp-conformance.mjs with this Node; resolves with its exit code and output. */
function runConformance(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [resolve(root, "scripts/mcp-conformance.mjs")], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("close", (code) => ok({ code, output }));
  });
}

describe("MCP conformance suite (@modelcontextprotocol/conformance server scenarios) against /mcp", () => {
  const platform = usePlatform();
  let key = "";

  beforeAll(async () => {
    key = (await signUpWithKey(platform().baseUrl, "conformance-mcp@example.com")).key;
  });

  it(
    "passes every applicable server scenario and fails exactly the ones listed as not applicable",
    async () => {
      const { code, output } = await runConformance({ EXECUTOR_URL: platform().baseUrl, EXECUTOR_API_KEY: key });
      expect(output).toMatch(/^mcp-conformance: \d+ scenarios, .*: (OK|FAIL)$/m);
      expect(code, output).toBe(0);
    },
    300_000,
  );
});
