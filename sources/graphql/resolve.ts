import type { GraphQLField, GraphQLObjectType, GraphQLSchema } from "graphql";
import type { SideEffect, SourceManifest, ToolDefinition } from "../../schemas";
import { SourceManifest as SourceManifestSchema } from "../../schemas";
import { withHash } from "../hash";
import { cleanText, DESCRIPTION_CAP, sanitizeToolName, uniqueName } from "../shared/text";
import type { SourceContext } from "../types";
import type { GraphqlConfig } from "./config";
import { argumentsSchema } from "./input-schema";
import { loadSchema } from "./introspect";
import type { OperationKind } from "./operation";
import { operationFor } from "./operation";

/**
 * One tool per root field: `query_<field>` (read) and `mutation_<field>` (write, or destructive when
 * the name says so). Subscriptions are not tools: a tool call has one answer. Each definition is
 * hashed, so a changed field, argument or selection changes its hash (DESIGN invariant 6).
 */
export async function resolveGraphqlTools(config: GraphqlConfig, ctx: SourceContext): Promise<SourceManifest> {
  const schema = await loadSchema(config, ctx.fetch, ctx.document, ctx.credential);
  const taken = new Set<string>();
  const tools: ToolDefinition[] = [];
  const roots: Array<[OperationKind, GraphQLObjectType | null | undefined]> = [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
  ];
  for (const [kind, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const definition = toolFor(schema, kind, field, config.maxDepth, taken);
      if (definition === null) continue;
      tools.push(await withHash(definition));
      ctx.progress?.(tools.length);
    }
  }
  // The standard introspection query does not ask for the schema's description (older servers reject
  // the field), so only an uploaded SDL document gives the manifest a title.
  const title = cleanText(schema.description ?? "", 256);
  return SourceManifestSchema.parse({ kind: "graphql", title, tools, auth: [{ type: "http", scheme: "bearer" }] });
}

function toolFor(
  schema: GraphQLSchema,
  kind: OperationKind,
  field: GraphQLField,
  maxDepth: number,
  taken: Set<string>,
): Omit<ToolDefinition, "hash"> | null {
  const name = sanitizeToolName(`${kind}_${field.name}`);
  const document = operationFor(schema, kind, field, maxDepth);
  if (name === null || document === null) return null;
  const deprecated = field.deprecationReason == null ? "" : ` Deprecated: ${field.deprecationReason}`;
  const description = `${field.description ?? `GraphQL ${kind} ${field.name}.`}${deprecated}`;
  return {
    name: uniqueName(name, taken),
    description: cleanText(description, DESCRIPTION_CAP),
    inputSchema: argumentsSchema(field.args),
    sideEffect: sideEffectOf(kind, field.name),
    invocation: { kind, field: field.name, document },
  };
}

// A mutation named for removal (deleteUser, remove_member, purgeCache …) defaults to destructive, which
// the platform gates behind approval unless a policy says otherwise (DESIGN §3). A name is only a hint:
// it can only make the default stricter, never looser than write.
// The verb must end at a word boundary of camelCase or snake_case: `dropUser`, not `dropboxSync`.
const DESTRUCTIVE_VERB = /^(delete|remove|destroy|purge|drop|revoke|erase|wipe)(?=$|[A-Z0-9_])/;

export function sideEffectOf(kind: OperationKind, fieldName: string): SideEffect {
  if (kind === "query") return "read";
  const camel = fieldName.charAt(0).toLowerCase() + fieldName.slice(1);
  return DESTRUCTIVE_VERB.test(camel) ? "destructive" : "write";
}
