import { defineConfig } from "drizzle-kit";

// `npx drizzle-kit generate` writes the next append-only migration for the scope catalog.
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./durable-objects/scope-catalog/tables.ts",
  out: "./migrations/scope-catalog",
});
