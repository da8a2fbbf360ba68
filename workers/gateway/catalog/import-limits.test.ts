import { describe, expect, it } from "vitest";
import { JSON_LIMITS } from "../../../core/json";
import { nestedObjectsText } from "../../../core/testing/deep-json";
import type { ToolDefinition } from "../../../schemas";
import { MAX_SOURCE_TOOLS } from "../../../schemas";
import { HttpError } from "../../shared/problem";
import { IMPORT_RPC_BUDGET, MAX_MANIFEST_CHARS, MAX_TOOL_CHARS, assertImportFits, assertUploadFits } from "./import-limits";

const tool = (name: string, inputSchema: ToolDefinition["inputSchema"] = { type: "object" }): ToolDefinition => ({
  name,
  description: "",
  inputSchema,
  sideEffect: "read",
  hash: "0".repeat(64),
  invocation: {},
});

/** A schema of about `chars` JSON characters. */
const schemaOf = (chars: number): ToolDefinition["inputSchema"] => ({ type: "object", description: "x".repeat(chars) });

function refusal(run: () => void): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("assertImportFits", () => {
  it("lets a manifest within every limit through", () => {
    expect(() => assertImportFits([tool("a"), tool("b", schemaOf(10_000))], "{}")).not.toThrow();
  });

  it("refuses more tools than a source may have, naming the limit", () => {
    const tools = Array.from({ length: MAX_SOURCE_TOOLS + 1 }, (_, i) => tool(`t${i}`));
    const error = refusal(() => assertImportFits(tools, undefined));
    expect(error.status).toBe(422);
    expect(error.type).toBe("validation-failed");
    expect(error.message).toBe(`the source describes ${MAX_SOURCE_TOOLS + 1} tools; at most ${MAX_SOURCE_TOOLS} are supported`);
  });

  it("refuses one tool too large for a catalog row", () => {
    const error = refusal(() => assertImportFits([tool("big", schemaOf(MAX_TOOL_CHARS))], undefined));
    expect(error.message).toMatch(new RegExp(`^tool 'big' is \\d+ characters of JSON; at most ${MAX_TOOL_CHARS} are stored per tool$`));
  });

  it("refuses tools that together exceed what a source may store", () => {
    const each = Math.floor(MAX_TOOL_CHARS * 0.9);
    const tools = Array.from({ length: Math.ceil(MAX_MANIFEST_CHARS / each) + 1 }, (_, i) => tool(`t${i}`, schemaOf(each)));
    expect(refusal(() => assertImportFits(tools, undefined)).message).toContain(`at most ${MAX_MANIFEST_CHARS} are stored per source`);
  });

  it("refuses a tool whose schema nests past the document limit, without recursing into it", () => {
    const deep = JSON.parse(nestedObjectsText(100_000)) as ToolDefinition["inputSchema"];
    expect(refusal(() => assertImportFits([tool("deep", deep)], undefined)).message).toBe(
      `tool 'deep' nests deeper than ${JSON_LIMITS.document.depth} levels of arrays and objects`,
    );
  });

  it("refuses an import whose tools and document would not fit one Workers RPC", () => {
    // Two bytes a character once any character is above U+00FF.
    const document = `€${"x".repeat(IMPORT_RPC_BUDGET / 2 - 1024)}`;
    const error = refusal(() => assertImportFits([tool("a", schemaOf(4096))], document));
    expect(error.message).toMatch(/^the import would send the catalog ~30\.0 MiB; at most 30\.0 MiB fit one Workers RPC \(limit 32\.0 MiB\)$/);
  });
});

describe("assertUploadFits", () => {
  it("refuses before resolving a document that alone exceeds the RPC budget", () => {
    const document = `€${"x".repeat(IMPORT_RPC_BUDGET / 2)}`;
    expect(refusal(() => assertUploadFits(document)).message).toContain("the document would send the catalog ~30.0 MiB");
  });

  it("counts one byte a character for a document without characters above U+00FF", () => {
    expect(() => assertUploadFits("é".repeat(IMPORT_RPC_BUDGET / 2 + 1024))).not.toThrow();
    expect(() => assertUploadFits(undefined)).not.toThrow();
  });
});
