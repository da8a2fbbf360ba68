import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { createGitBackend } from "./scripts/git-backend.mjs";

// One git root per vitest run for the artifact store's Node backend, removed when the run ends.
const gitRoot = mkdtempSync(join(tmpdir(), "executor-git-"));
process.once("exit", () => rmSync(gitRoot, { recursive: true, force: true }));

// Three projects: pure rules in Node, Worker code inside workerd with the real bindings from
// wrangler.toml, and end-to-end tests that start the real platform (`npm start`'s path) in Node.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["core/**/*.test.ts", "schemas/**/*.test.ts", "sources/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // [[artifacts]] is cloud-only here (no local simulator in this plugin): never start a remote proxy.
            remoteBindings: false,
            miniflare: {
              // A fixed vault key for workerd tests (npm start makes a random one per data folder).
              bindings: { VAULT_KEY: "dGVzdC12YXVsdC1rZXktMzItYnl0ZXMtbG9uZy0tLS0=" },
              // The artifact store's Node backend (tests share the root, so each uses its own repo names).
              serviceBindings: { GIT: createGitBackend({ root: gitRoot }) },
            },
          }),
        ],
        test: {
          name: "workers",
          // The first test of a file boots the whole Worker (MCP SDK, plugins) in workerd.
          testTimeout: 30_000,
          include: [
            "workers/**/*.test.ts",
            "durable-objects/**/*.test.ts",
            "workflows/**/*.test.ts",
            "dynamic-plugins/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts", "test/conformance/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
