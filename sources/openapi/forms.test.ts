import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { SourceManifest, ToolDefinition } from "../../schemas";
import { PluginError } from "../types";
import type { OpenApiConfig } from "./config";
import { openApiPlugin } from "./index";

const forms = readFileSync(new URL("./fixtures/forms.yaml", import.meta.url), "utf8");
const noFetch = (): Promise<Response> => Promise.reject(new Error("no network in this test"));

function resolve(config: Partial<OpenApiConfig> = {}, document = forms): Promise<SourceManifest> {
  return openApiPlugin.resolveTools({ document: true, ...config }, { fetch: noFetch, document });
}

async function tool(name: string, config: Partial<OpenApiConfig> = {}): Promise<ToolDefinition> {
  const found = (await resolve(config)).tools.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

describe("form bodies, header and cookie parameters, server variables", () => {
  it("gives header and cookie parameters their own properties, renaming the second `id` by location", async () => {
    const session = await tool("createSession");
    expect(Object.keys(session.inputSchema?.properties as object)).toEqual(["id", "X-Request-Id", "header_id", "tracking", "body"]);
    expect(session.inputSchema?.required).toEqual(["X-Request-Id", "body"]);
    expect(session.invocation.params).toEqual([
      { key: "id", name: "id", in: "query" },
      { key: "X-Request-Id", name: "X-Request-Id", in: "header", required: true },
      { key: "header_id", name: "id", in: "header" },
      { key: "tracking", name: "tracking", in: "cookie" },
    ]);
  });

  it("sends urlencoded forms as fields of `body`", async () => {
    const session = await tool("createSession");
    expect(session.invocation.body).toEqual({ mediaType: "application/x-www-form-urlencoded", kind: "form", required: true });
    expect((session.inputSchema?.properties as Record<string, object>).body).toMatchObject({ type: "object", required: ["user"] });
    expect(session.outputSchema).toEqual({ type: "object", properties: { token: { type: "string" } } });
  });

  it("sends multipart forms as fields, binary fields described by contentMediaType", async () => {
    const upload = await tool("upload");
    expect(upload.invocation.body).toEqual({ mediaType: "multipart/form-data", kind: "multipart" });
    expect(upload.inputSchema?.properties).toEqual({
      body: {
        type: "object",
        properties: { title: { type: "string" }, file: { contentMediaType: "application/octet-stream" }, meta: { type: "object" } },
      },
    });
  });

  it("sends other media types as raw text", async () => {
    const note = await tool("createNote");
    expect(note.invocation.body).toEqual({ mediaType: "text/plain", kind: "raw" });
    expect(note.inputSchema?.properties).toEqual({ body: { type: "string" } });
    expect(note.outputSchema).toBeUndefined();
  });

  it("records non-default styles and JSON-content parameters only", async () => {
    const search = await tool("search");
    expect(search.invocation.params).toEqual([
      { key: "filter", name: "filter", in: "query", style: "deepObject", explode: true },
      { key: "ids", name: "ids", in: "query", explode: false },
      { key: "where", name: "where", in: "query", json: true },
    ]);
  });

  it("fills every server variable from its default, and from serverVariables when given", async () => {
    expect((await tool("upload")).invocation.server).toBe("https://acme.forms.example.com/api");
    const custom = await tool("upload", { serverVariables: { tenant: "globex", port: "8443" } });
    expect(custom.invocation.server).toBe("https://globex.forms.example.com:8443/api");
  });

  it("needs baseUrl for an uploaded document whose server is relative", async () => {
    const relative = forms.replace('"{scheme}://{tenant}.forms.example.com:{port}/api"', "/api");
    await expect(resolve({}, relative)).rejects.toThrow(PluginError);
    await expect(resolve({}, relative)).rejects.toThrow(
      'paths./notes.post: server URL "/api" is not an absolute URL; an uploaded document with relative servers needs `baseUrl` in the config',
    );
    const rebased = await resolve({ baseUrl: "https://forms.internal.example.com/api" }, relative);
    expect(rebased.tools[0]?.invocation.server).toBe("https://forms.internal.example.com/api");
  });

  it("resolves an uploaded document's relative and empty servers against the URL it says it was published at (info.x-origin)", async () => {
    const relative = forms.replace('"{scheme}://{tenant}.forms.example.com:{port}/api"', "/api");
    const withOrigin = relative.replace(/^info:\n/m, 'info:\n  x-origin:\n    - url: "https://docs.example.com/specs/forms.yaml"\n');
    expect(withOrigin).not.toBe(relative);
    const m = await resolve({}, withOrigin);
    expect(m.tools[0]?.invocation.server).toBe("https://docs.example.com/api");
    // An empty server URL means "/", never the document's own path.
    const empty = withOrigin.replace("- url: /api", '- url: ""');
    expect(empty).not.toBe(withOrigin);
    expect((await resolve({}, empty)).tools[0]?.invocation.server).toBe("https://docs.example.com");
    // An origin that is not http(s) is no base: the precise error stays.
    await expect(resolve({}, withOrigin.replace("https://docs.example.com/specs/forms.yaml", "file:///etc/forms.yaml"))).rejects.toThrow("needs `baseUrl`");
  });

  it("resolves a relative server against the URL the document was fetched from", async () => {
    const relative = forms.replace('"{scheme}://{tenant}.forms.example.com:{port}/api"', "/api");
    const fetch = async (): Promise<Response> => new Response(relative);
    const m = await openApiPlugin.resolveTools({ url: "https://docs.example.com/specs/forms.yaml" }, { fetch });
    expect(m.tools[0]?.invocation.server).toBe("https://docs.example.com/api");
  });

  it("refuses a server variable that has no default and no configured value", async () => {
    const noDefault = forms.replace('      tenant:\n        default: acme\n', "      tenant:\n        enum: [acme]\n");
    await expect(resolve({}, noDefault)).rejects.toThrow('server variable "tenant" has no default; set it in serverVariables');
    await expect(resolve({ serverVariables: { tenant: "acme" } }, noDefault)).resolves.toBeDefined();
  });
});
