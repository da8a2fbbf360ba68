import { describe, expect, it } from "vitest";
import { PluginError } from "../types";
import { openApiPlugin } from "./index";

const noFetch = (): Promise<Response> => Promise.reject(new Error("no network in this test"));

async function failure(document: string | undefined): Promise<PluginError> {
  const ctx = document === undefined ? { fetch: noFetch } : { fetch: noFetch, document };
  const error: unknown = await openApiPlugin.resolveTools({ document: true }, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PluginError)) throw new Error(`expected a PluginError, got ${String(error)}`);
  return error;
}

const info = { title: "t", version: "1" };

describe("invalid documents are refused with a precise PluginError", () => {
  it.each([
    ["empty text", "", "the document is empty"],
    ["broken JSON", '{ "openapi": "3.1.0", ', "the document is not valid JSON: "],
    ["neither JSON nor YAML", "openapi: 3.1.0\n  info: [unclosed", "the document is neither JSON nor YAML: "],
    ["a YAML scalar", "just some words", "the document is a string, not an object"],
    ["a JSON array", "[1, 2]", "the document is an array, not an object"],
    ["no version field", JSON.stringify({ info, paths: {} }), "the document has neither an `openapi` nor a `swagger` field"],
    ["OpenAPI 3.2", JSON.stringify({ openapi: "3.2.0", info, paths: {} }), 'unsupported OpenAPI version "3.2.0"; supported: 2.0, 3.0.x, 3.1.x'],
    ["OpenAPI 4", "openapi: 4.0.0\ninfo: {title: t, version: '1'}\n", 'unsupported OpenAPI version "4.0.0"'],
    ["Swagger 1.2", JSON.stringify({ swagger: "1.2", info, paths: {} }), 'unsupported Swagger version "1.2"'],
    ["a numeric openapi field", "openapi: 3.1\ninfo: {title: t, version: '1'}\n", "the `openapi` field must be a version string"],
    ["no paths", JSON.stringify({ openapi: "3.1.0", info }), "the document has no `paths`, so it describes no operations"],
    ["empty paths", JSON.stringify({ openapi: "3.0.3", info, paths: {} }), "the document's `paths` is empty"],
    ["paths without operations", JSON.stringify({ openapi: "3.1.0", info, paths: { "/a": { summary: "nothing" } } }), "the document's `paths` hold no operations"],
  ])("%s", async (_case, document, message) => {
    const error = await failure(document);
    expect(error.code).toBe("invalid_document");
    expect(error.message).toContain(message);
  });

  it("names the parameter that is malformed", async () => {
    const document = JSON.stringify({
      openapi: "3.1.0",
      info,
      servers: [{ url: "https://x.example" }],
      paths: { "/a": { get: { parameters: [{ name: "q", in: "body" }], responses: {} } } },
    });
    const error = await failure(document);
    expect(error.message).toMatch(/^paths\.\/a\.get\.parameters\[0\]\.in: /);
  });

  it("says when the uploaded document is missing", async () => {
    expect((await failure(undefined)).message).toBe("the config says the document was uploaded, but none was provided");
  });

  it("refuses a YAML alias bomb instead of expanding it", async () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`);
    const error = await failure(`openapi: 3.1.0\n${lines.join("\n")}\n`);
    expect(error.message).toBe("the document is neither JSON nor YAML: Excessive alias count indicates a resource exhaustion attack");
  });

  it("reports an unreachable document URL as unreachable, with the status and no body", async () => {
    const fetch = async (): Promise<Response> => new Response("secret internal page", { status: 404 });
    const error: unknown = await openApiPlugin.resolveTools({ url: "https://docs.example.com/openapi.json" }, { fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).code).toBe("unreachable");
    expect((error as PluginError).message).toBe("fetching the OpenAPI document answered HTTP 404");
  });

  it("reports a failed document fetch as unreachable, naming only the origin", async () => {
    const fetch = (): Promise<Response> => Promise.reject(new TypeError("fetch failed"));
    const error: unknown = await openApiPlugin
      .resolveTools({ url: "https://docs.example.com/openapi.json?token=abc" }, { fetch })
      .catch((e: unknown) => e);
    expect((error as PluginError).message).toBe("could not fetch the OpenAPI document from https://docs.example.com");
  });
});

describe("config", () => {
  it("takes exactly one of url and document", () => {
    expect(openApiPlugin.parseConfig({ url: "https://docs.example.com/openapi.yaml" }).ok).toBe(true);
    expect(openApiPlugin.parseConfig({ document: true, baseUrl: "https://api.example.com", serverVariables: { region: "eu" } }).ok).toBe(true);
    expect(openApiPlugin.parseConfig({})).toEqual({ ok: false, errors: [{ path: "url", message: "exactly one of `url` and `document` must be given" }] });
    expect(openApiPlugin.parseConfig({ url: "https://a.example/x.json", document: true }).ok).toBe(false);
  });

  it("refuses non-http URLs, unknown fields and a document flag that is not true", () => {
    const paths = (c: unknown): string[] => {
      const r = openApiPlugin.parseConfig(c);
      return r.ok ? [] : r.errors.map((e) => e.path);
    };
    expect(paths({ url: "file:///etc/passwd" })).toEqual(["url"]);
    expect(paths({ document: true, baseUrl: "ftp://x.example" })).toEqual(["baseUrl"]);
    expect(paths({ document: true, extra: 1 })).toEqual(["(root)"]);
    expect(paths({ document: false })).toContain("document");
  });
});
