/** A toolkit's routes described for customer backends: an OpenAPI 3.1 document, its ETag, a typed SDK. */
export { toolkitOpenApi } from "./openapi";
export { toolkitEtag } from "./etag";
export { toolkitSdk } from "./sdk";
