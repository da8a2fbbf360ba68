import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Three projects: pure rules in Node, Worker code inside workerd with the real bindings from
// wrangler.toml, and end-to-end tests that start the real platform (`npm start`'s path) in Node.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["core/**/*.test.ts", "schemas/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: {
          name: "workers",
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
