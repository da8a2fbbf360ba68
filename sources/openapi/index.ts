import type { SourcePlugin } from "../types";
import type { OpenApiConfig } from "./config";
import { parseOpenApiConfig } from "./config";
import { destinationOf } from "./invocation";
import { invokeTool } from "./invoke";
import { resolveTools } from "./resolve";

/** The OpenAPI source plugin: an OpenAPI 3.0/3.1 or Swagger 2.0 document → one tool per operation. */
export const openApiPlugin: SourcePlugin<OpenApiConfig> = {
  kind: "openapi",
  parseConfig: parseOpenApiConfig,
  resolveTools,
  invokeTool,
  destination: destinationOf,
};

export { OpenApiConfig, parseOpenApiConfig } from "./config";
export { MAX_DOCUMENT_BYTES } from "./document";
