import type { SourceKind } from "../../schemas";
import { graphqlPlugin } from "../../sources/graphql";
import { mcpPlugin } from "../../sources/mcp";
import { openApiPlugin } from "../../sources/openapi";
import type { SourcePlugin } from "../../sources/types";

/** The source plugins this deployment runs, by kind. `custom` arrives with authored tools. */
const PLUGINS: Partial<Record<SourceKind, SourcePlugin<unknown>>> = {
  openapi: openApiPlugin as SourcePlugin<unknown>,
  graphql: graphqlPlugin as SourcePlugin<unknown>,
  mcp: mcpPlugin as SourcePlugin<unknown>,
};

export function pluginFor(kind: SourceKind): SourcePlugin<unknown> | undefined {
  return PLUGINS[kind];
}
