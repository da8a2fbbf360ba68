import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import type { JsonObject } from "../../schemas";
import { WRITE_ONLY, maskWriteOnly, openWriteOnly, sealWriteOnly, shownInput, writeOnlyPaths, writeOnlyValues } from "./write-only";

const schema: JsonObject = {
  type: "object",
  properties: {
    name: { type: "string" },
    connection: { type: "object", properties: { name: { type: "string" }, secret: { type: "string", writeOnly: true } } },
    login: { $ref: "#/$defs/Login" },
  },
  $defs: { Login: { type: "object", properties: { user: { type: "string" }, password: { type: "string", writeOnly: true } } } },
};
const args: JsonObject = { name: "gh", connection: { name: "work", secret: "canary-S3CRET" }, login: { user: "ann", password: "canary-PASSW0RD" } };

describe("write-only arguments", () => {
  it("finds write-only properties through nesting and local $refs", () => {
    expect(writeOnlyPaths(schema)).toEqual([["connection", "secret"], ["login", "password"]]);
    expect(writeOnlyPaths({ type: "object", properties: { a: { type: "string" } } })).toEqual([]);
  });

  it("terminates on a self-referencing schema", () => {
    const cyclic: JsonObject = { $ref: "#/$defs/N", $defs: { N: { type: "object", properties: { next: { $ref: "#/$defs/N" }, key: { writeOnly: true } } } } };
    expect(writeOnlyPaths(cyclic)).toContainEqual(["key"]);
  });

  it("masks exactly the write-only values for hashing and showing", () => {
    const masked = maskWriteOnly(schema, args);
    expect(masked).toEqual({ name: "gh", connection: { name: "work", secret: WRITE_ONLY }, login: { user: "ann", password: WRITE_ONLY } });
    expect(args.connection).toEqual({ name: "work", secret: "canary-S3CRET" });
    expect(writeOnlyValues(schema, args)).toEqual(["canary-S3CRET", "canary-PASSW0RD"]);
  });

  it("seals them for storage so no plaintext remains, and opens them back for the approved call", async () => {
    const stored = await sealWriteOnly(env.VAULT_KEY, "org_acme", schema, args);
    const text = JSON.stringify(stored);
    expect(text).not.toContain("canary-S3CRET");
    expect(text).not.toContain("canary-PASSW0RD");
    expect(maskWriteOnly(schema, stored)).toEqual(maskWriteOnly(schema, args));
    expect(shownInput(stored)).toEqual(maskWriteOnly(schema, args));
    expect(await openWriteOnly(env.VAULT_KEY, "org_acme", schema, stored)).toEqual(args);
  });

  it("will not open a sealed value under another org", async () => {
    const stored = await sealWriteOnly(env.VAULT_KEY, "org_acme", schema, args);
    await expect(openWriteOnly(env.VAULT_KEY, "org_other", schema, stored)).rejects.toThrow();
  });

  it("leaves arguments of a schema without write-only fields untouched", async () => {
    const plain: JsonObject = { type: "object", properties: { q: { type: "string" } } };
    const a = { q: "x" };
    expect(await sealWriteOnly(env.VAULT_KEY, "org_acme", plain, a)).toBe(a);
    expect(maskWriteOnly(plain, a)).toBe(a);
  });
});

describe("writeOnlyPaths on a hostile schema", () => {
  it("stops after a bounded number of nodes when shared definitions fan out exponentially", () => {
    // Each level's ten properties all refer to the next level: 10^12 paths by naive walking.
    const $defs: Record<string, unknown> = {};
    for (let level = 0; level < 12; level++) {
      const properties: Record<string, unknown> = {};
      for (let p = 0; p < 10; p++) properties[`p${p}`] = { $ref: `#/$defs/l${level + 1}` };
      $defs[`l${level}`] = { type: "object", properties };
    }
    $defs.l12 = { type: "string", writeOnly: true };
    // Unbounded, this walk would not finish within the test's timeout; bounded, it returns what it reached.
    const paths = writeOnlyPaths({ $ref: "#/$defs/l0", $defs } as never);
    expect(paths.length).toBeLessThanOrEqual(5_000);
  });
});
