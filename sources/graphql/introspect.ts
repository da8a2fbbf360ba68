import type { GraphQLSchema, IntrospectionQuery } from "graphql";
import { buildClientSchema, buildSchema, getIntrospectionQuery, validateSchema } from "graphql";
import { readBounded } from "../../core/bytes";
import { JSON_LIMITS, describeBreach, parseJson as parseBoundedJson } from "../../core/json";
import { upstreamMessage } from "../shared/text";
import { placeCredential } from "../shared/credential";
import type { Credential, GuardedFetch } from "../types";
import { PluginError } from "../types";
import type { GraphqlConfig } from "./config";

/** resolveTools has no platform deadline of its own. */
const INTROSPECTION_TIMEOUT_MS = 30_000;
/**
 * Large public schemas (GitHub's) introspect to a few MB; far beyond that is not a schema, and a
 * 128 MB isolate could not hold the answer, its parse and the schema built from it.
 */
const MAX_INTROSPECTION_BYTES = 16 * 1024 * 1024;

/**
 * The upstream's schema: from an uploaded document when the source has one (SDL or an introspection
 * result, for endpoints that refuse anonymous introspection), else by POSTing the standard
 * introspection query (GraphQL spec §4 Introspection) through the guarded fetch.
 */
export async function loadSchema(
  config: GraphqlConfig,
  fetch: GuardedFetch,
  document?: string,
  credential?: Credential,
): Promise<GraphQLSchema> {
  const schema = document === undefined ? await introspect(config, fetch, credential) : fromDocument(document);
  const problems = validateSchema(schema);
  if (problems.length > 0) {
    throw new PluginError("invalid_document", `the GraphQL schema is invalid: ${upstreamMessage(problems[0]?.message ?? "", [])}`);
  }
  return schema;
}

async function introspect(config: GraphqlConfig, fetch: GuardedFetch, credential?: Credential): Promise<GraphQLSchema> {
  // The discovery credential (when introspection needs one) goes where a call's would.
  const placement = placeCredential(config.endpoint, config.headers, credential ?? null);
  if (!placement.ok) throw new PluginError("unsupported", placement.message);
  let response: Response;
  try {
    response = await fetch(placement.placed.url, {
      method: "POST",
      headers: {
        ...placement.placed.headers,
        "content-type": "application/json",
        // GraphQL over HTTP §Accept: prefer the dedicated media type, accept legacy JSON.
        accept: "application/graphql-response+json, application/json;q=0.9",
      },
      body: JSON.stringify({ query: getIntrospectionQuery() }),
      signal: AbortSignal.timeout(INTROSPECTION_TIMEOUT_MS),
    });
  } catch (error) {
    throw new PluginError("unreachable", `GraphQL endpoint unreachable: ${upstreamMessage(describe(error), placement.placed.secrets)}`);
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new PluginError(
      "unsupported",
      `the GraphQL endpoint refused introspection (HTTP ${response.status}); add a connection with a credential, or upload its schema`,
    );
  }
  if (response.status >= 500 || response.status === 429) {
    await response.body?.cancel();
    throw new PluginError("unreachable", `the GraphQL endpoint answered HTTP ${response.status}`);
  }
  // Read no more than the cap: the answer is never held whole before its size is known.
  const read = await readBounded(response, MAX_INTROSPECTION_BYTES).catch(() => ({ ok: true as const, bytes: new Uint8Array(0) }));
  if (!read.ok) throw new PluginError("invalid_document", `the introspection answer is larger than ${MAX_INTROSPECTION_BYTES} bytes`);
  const text = new TextDecoder().decode(read.bytes);
  const body = parseJson(text, "the introspection answer");
  const schema = introspectionOf(body);
  if (schema === undefined) {
    const firstError = graphqlErrorOf(body);
    const reason = firstError === undefined ? `HTTP ${response.status}, no __schema in the answer` : firstError;
    throw new PluginError("invalid_document", `introspection failed: ${upstreamMessage(reason, placement.placed.secrets)}`);
  }
  return build(schema);
}

function fromDocument(document: string): GraphQLSchema {
  const json = parseJson(document, "the schema document");
  const introspection = introspectionOf(json);
  if (introspection !== undefined) return build(introspection);
  try {
    return buildSchema(document);
  } catch (error) {
    throw new PluginError("invalid_document", `the schema document is neither an introspection result nor SDL: ${upstreamMessage(describe(error), [])}`);
  }
}

function build(introspection: IntrospectionQuery): GraphQLSchema {
  try {
    return buildClientSchema(introspection);
  } catch (error) {
    throw new PluginError("invalid_document", `the introspection answer is not a schema: ${upstreamMessage(describe(error), [])}`);
  }
}

/**
 * An introspection result as JSON, within the document limits (DESIGN invariant 10); undefined when
 * the text is not JSON (an uploaded document may be SDL). The limits are checked on any text: SDL
 * nests only through brackets and braces too (list types, values, definitions), and graphql-js
 * parses it by recursive descent, so a too-deep SDL document is refused here as well.
 */
function parseJson(text: string, what: string): unknown {
  const json = parseBoundedJson(text, JSON_LIMITS.document);
  if (!json.ok && json.reason === "limit") throw new PluginError("invalid_document", `${what} ${describeBreach(json.breach)}`);
  return json.ok ? json.value : undefined;
}

/** `{ data: { __schema } }` as a server answers, or a bare `{ __schema }` as tools save it. */
function introspectionOf(body: unknown): IntrospectionQuery | undefined {
  const data = isRecord(body) && isRecord(body["data"]) ? body["data"] : body;
  // buildClientSchema checks the rest of the shape and throws a readable error when it is wrong.
  return isRecord(data) && isRecord(data["__schema"]) ? (data as unknown as IntrospectionQuery) : undefined;
}

function graphqlErrorOf(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body["errors"])) return undefined;
  const first: unknown = body["errors"][0];
  return isRecord(first) && typeof first["message"] === "string" ? first["message"] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
