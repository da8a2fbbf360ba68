import type { SourcePlugin } from "../types";
import type { GraphqlConfig } from "./config";
import { parseGraphqlConfig } from "./config";
import { invokeGraphqlTool } from "./invoke";
import { resolveGraphqlTools } from "./resolve";

export type { GraphqlConfig } from "./config";
export { GraphqlConfig as GraphqlConfigSchema } from "./config";

/**
 * Source plugin for a GraphQL endpoint: one tool per Query field (read) and per Mutation field
 * (write), each carrying a generated operation document.
 */
export const graphqlPlugin: SourcePlugin<GraphqlConfig> = {
  kind: "graphql",
  parseConfig: parseGraphqlConfig,
  resolveTools: resolveGraphqlTools,
  invokeTool: invokeGraphqlTool,
  // Every operation is POSTed to the configured endpoint (GraphQL over HTTP §POST).
  destination: (_tool, config) => `POST ${config.endpoint}`,
};
