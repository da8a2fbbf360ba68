import { defineConfig } from "drizzle-kit";

// `DO=<folder> npx drizzle-kit generate` writes the next append-only migration for one Durable
// Object class (default: scope-catalog). Each class has its own schema and migrations folder.
const name = process.env.DO ?? "scope-catalog";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: `./durable-objects/${name}/tables.ts`,
  out: `./migrations/${name}`,
});
