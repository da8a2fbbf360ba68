import { createReadStream, statSync } from "node:fs";
import { CliError, EXIT } from "./context";
import type { Progress } from "./progress";
import { formatBytes } from "./progress";

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** Reads a file with progress by bytes; the text is what gets uploaded, byte for byte. */
export async function readWithProgress(path: string, progress: Progress): Promise<string> {
  let total: number;
  try {
    total = statSync(path).size;
  } catch {
    throw new CliError(`cannot read ${path}`, EXIT.usage);
  }
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    read += buffer.length;
    progress.update("reading", total ? read / total : 1, `${formatBytes(read)} / ${formatBytes(total)}`);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new CliError(`${path} is empty`, EXIT.usage);
  return text;
}

async function parseDocument(text: string, path: string): Promise<unknown> {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // YAML (a superset of JSON) only when it is not JSON; loaded on demand.
  }
  try {
    const { parse } = await import("yaml");
    return parse(text, { maxAliasCount: 100 }) as unknown;
  } catch (error) {
    throw new CliError(`${path} is neither JSON nor YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, EXIT.usage);
  }
}

/** OpenAPI: one operation per path × HTTP method, counted path by path with the count shown as it grows. */
export async function countOpenApi(text: string, path: string, progress: Progress): Promise<number> {
  progress.update("parsing", null, path);
  const doc = (await parseDocument(text, path)) as { openapi?: unknown; swagger?: unknown; paths?: Record<string, unknown> } | null;
  if (typeof doc !== "object" || doc === null || (doc.openapi === undefined && doc.swagger === undefined)) {
    throw new CliError(`${path} is not an OpenAPI document (no 'openapi' or 'swagger' field)`, EXIT.usage);
  }
  const entries = Object.values(doc.paths ?? {});
  let operations = 0;
  entries.forEach((item, i) => {
    if (typeof item === "object" && item !== null) operations += Object.keys(item).filter((k) => METHODS.has(k)).length;
    if (i % 50 === 0 || i === entries.length - 1) progress.update("counting", (i + 1) / entries.length, `${operations} operations in ${i + 1} paths`);
  });
  return operations;
}

/** GraphQL (SDL or an introspection result): one tool per field of the query and mutation types. */
export async function countGraphql(text: string, path: string, progress: Progress): Promise<number> {
  progress.update("parsing", null, path);
  const graphql = await import("graphql");
  let schema: import("graphql").GraphQLSchema;
  try {
    const json = (() => {
      try {
        return JSON.parse(text) as { data?: unknown; __schema?: unknown };
      } catch {
        return null;
      }
    })();
    const introspection = (json && "data" in json ? json.data : json) as import("graphql").IntrospectionQuery | null;
    schema = introspection?.__schema ? graphql.buildClientSchema(introspection) : graphql.buildSchema(text);
  } catch (error) {
    throw new CliError(`${path} is neither GraphQL SDL nor an introspection result: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, EXIT.usage);
  }
  const roots = [schema.getQueryType(), schema.getMutationType()].filter((t) => t !== null && t !== undefined);
  let fields = 0;
  roots.forEach((type, i) => {
    fields += Object.keys(type.getFields()).length;
    progress.update("counting", (i + 1) / roots.length, `${fields} fields`);
  });
  return fields;
}
