// Test-only helpers: surfaces to generate from, a strict TypeScript compile with DOM types, a local
// server that answers like the gateway's routes.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import ts from "typescript";
import type { ExposedTool, ToolkitSurface } from "../../schemas";

export function exposed(source: string, name: string, operationId: string, extra: Partial<ExposedTool> = {}): ExposedTool {
  return {
    source,
    name,
    operationId,
    path: `/v1/toolkits/org_acme/kit/tools/${source}/${name}`,
    description: `${name} of ${source}`,
    sideEffect: "read",
    hash: "a".repeat(64),
    connections: ["work"],
    defaultConnection: "work",
    ...extra,
  };
}

export function surfaceOf(tools: ExposedTool[], origin = "http://127.0.0.1:1", version = 1): ToolkitSurface {
  return { scope: "org_acme", slug: "kit", title: "Kit", description: "A toolkit", version, origin, tools };
}

/** A scratch folder inside node_modules, so imports of real packages (openapi-fetch) resolve. */
export function scratch(): string {
  const base = join(import.meta.dirname, "../../node_modules/.cache");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, "toolkit-doc-"));
}

/** Strict type errors of files written to `dir` (TypeScript with the DOM's fetch types). */
export function typeErrorsIn(dir: string, files: Record<string, string>): string[] {
  const names = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const program = ts.createProgram(names, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: [],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? d.file.fileName.split("/").pop() : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}

export type Seen = { method: string; url: string; auth: string | undefined; body: unknown };

/** A local server answering like a toolkit route: 200 with a result, 202 pending, or a problem. */
export async function fakeRoutes(answer: (seen: Seen) => { status: number; body: unknown; headers?: Record<string, string> }): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const entry: Seen = { method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization, body: text ? JSON.parse(text) : null };
      seen.push(entry);
      const out = answer(entry);
      const type = out.status >= 400 ? "application/problem+json" : "application/json";
      res.writeHead(out.status, { "content-type": type, ...out.headers });
      res.end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((ok) => server.close(() => ok())) };
}
