import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { SourceManifest } from "../../schemas";
import { openApiPlugin } from "../../sources/openapi";
import { declarationsFor } from "./declarations";
import type { ToolDeclarations } from "./declarations";
import { TYPESCRIPT_LIMITS } from "./limits";
import { snippetErrors, syntaxErrors, typeErrors } from "./testing/compile";

// Real catalogs through the real OpenAPI plugin (as sources/openapi/github.test.ts resolves them):
// GitHub's REST description (1,200+ operations, heavily shared schemas) and the plugin's fixtures
// (recursive and mutually recursive schemas, OpenAPI 3.0 and Swagger 2.0 documents).
const require = createRequire(import.meta.url);
const noFetch = (): Promise<Response> => Promise.reject(new Error("no network in this test"));

function resolve(document: string): Promise<SourceManifest> {
  return openApiPlugin.resolveTools({ document: true }, { fetch: noFetch, document });
}

let github: Promise<SourceManifest> | undefined;
/** GitHub's catalog, resolved once for this file. */
function githubCatalog(): Promise<SourceManifest> {
  github ??= resolve(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"));
  return github;
}

function declaredNames(text: string): string[] {
  return [...text.matchAll(/^type (\w+) =/gm)].map((m) => m[1] as string);
}

function defsCount(schema: Record<string, unknown> | undefined): number {
  const defs = schema?.["$defs"];
  return typeof defs === "object" && defs !== null ? Object.keys(defs).length : 0;
}

describe("declarations for GitHub's whole REST catalog", () => {
  it("compile with the real TypeScript compiler, name every shared schema once, and stay bounded", async () => {
    const manifest = await githubCatalog();
    const started = performance.now();
    const all = manifest.tools.map((tool) => [tool, declarationsFor(tool)] as const);
    const generation = performance.now() - started;

    const sizes = all.map(([, d]) => d.text.length).sort((a, b) => a - b);
    const total = sizes.reduce((sum, n) => sum + n, 0);
    const truncated = all.filter(([, d]) => d.truncated).length;

    for (const [tool, d] of all) {
      expect(d.input.length, tool.name).toBeLessThanOrEqual(TYPESCRIPT_LIMITS.maxChars);
      expect(d.output.length, tool.name).toBeLessThanOrEqual(TYPESCRIPT_LIMITS.maxChars);
      // Named, not expanded: one declaration per definition at most (shared ones once), plus the three roots.
      const names = declaredNames(d.text);
      expect(new Set(names).size, tool.name).toBe(names.length);
      expect(names.length, tool.name).toBeLessThanOrEqual(3 + defsCount(tool.inputSchema) + defsCount(tool.outputSchema));
    }

    const syntaxStarted = performance.now();
    const syntax = all.flatMap(([tool, d]) => syntaxErrors(d.text).map((e) => `${tool.name}: ${e}`));
    const syntaxMs = performance.now() - syntaxStarted;
    expect(syntax).toEqual([]);

    const typesStarted = performance.now();
    const files = new Map(all.map(([tool, d]) => [`/github/${tool.name}.ts`, d.text]));
    const errors = typeErrors(files);
    const typesMs = performance.now() - typesStarted;
    expect(errors.slice(0, 5)).toEqual([]);

    console.log(
      `github: ${all.length} tools; declarations ${(total / 1e6).toFixed(2)} MB total, median ${sizes[sizes.length >> 1]} B,` +
        ` max ${sizes.at(-1)} B, ${truncated} truncated at ${TYPESCRIPT_LIMITS.maxChars} chars per side;` +
        ` generated in ${Math.round(generation)} ms; transpiled in ${Math.round(syntaxMs)} ms; type-checked in ${Math.round(typesMs)} ms`,
    );
    expect(all.length).toBeGreaterThan(1000);
  }, 120_000);

  it("types issues/create as GitHub describes it, with shared schemas by name", async () => {
    const manifest = await githubCatalog();
    const byName = (name: string): ToolDeclarations => declarationsFor(manifest.tools.find((t) => t.name === name) ?? { name: "missing" });
    const create = byName("issues/create");
    expect(create.input).toContain("type IssuesCreateInput = {\n  /** The account owner of the repository. The name is not case sensitive. */\n  owner: string;");
    expect(create.output).toContain("type IssuesCreateOutput = Issue;");
    expect(create.output.match(/^type SimpleUser =/gm)).toHaveLength(1);
    const usage = [
      "declare const create: IssuesCreate;",
      'async function use(): Promise<void> {',
      '  const issue = await create({ owner: "o", repo: "r", body: { title: "Bug", labels: ["bug", { name: "p1" }] } });',
      "  const n: number = issue.number;",
      "  const login: string | undefined = issue.user?.login;",
      "  // @ts-expect-error the body needs a title",
      '  await create({ owner: "o", repo: "r", body: { labels: ["bug"] } });',
      "  // @ts-expect-error no such parameter",
      '  await create({ owner: "o", repo: "r", body: { title: "t" }, colour: "red" });',
      "}",
    ].join("\n");
    expect(snippetErrors(`${create.text}\n${usage}\n`)).toEqual([]);
  }, 60_000);
});

describe("declarations for the OpenAPI plugin's fixtures", () => {
  const fixture = (name: string): string => readFileSync(new URL(`../../sources/openapi/fixtures/${name}`, import.meta.url), "utf8");

  it("names recursive and mutually recursive schemas, and every fixture's tools compile", async () => {
    const files = new Map<string, string>();
    for (const name of ["circular.yaml", "petstore-3.0.json", "swagger-2.0.json", "inventory-3.1.yaml", "forms.yaml"]) {
      for (const tool of (await resolve(fixture(name))).tools) files.set(`/${name}/${tool.name}.ts`, declarationsFor(tool).text);
    }
    expect(typeErrors(files)).toEqual([]);
    const tree = files.get("/circular.yaml/getTree.ts") ?? "";
    expect(tree).toContain("type GetTreeOutput = Node;");
    expect(tree).toContain("type Node = {\n  value?: string;\n  children?: Node[];\n};");
    const person = files.get("/circular.yaml/createPerson.ts") ?? "";
    expect(declaredNames(person)).toEqual(expect.arrayContaining(["Person", "Company"]));
    expect(declaredNames(person).filter((n) => n === "Person")).toHaveLength(1);
  });
});
