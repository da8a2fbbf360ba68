import type { Upstream } from "./http-server";
import { json, serve } from "./http-server";

/** The access token the reflector's token endpoint issues (a derived credential the platform must scrub). */
export const REFLECTOR_ACCESS_TOKEN = "at-derived!'()*+/=~ 8c41d7";

/**
 * An upstream that hands back everything it received, as many real APIs partly do (`links.self`,
 * request ids, debug echoes, error pages quoting the request): the request line, every header, the
 * query and the body, on success (`/echo`, 200) and on failure (`/echo-error`, 400, as text). Its
 * token endpoint (`/token`) issues REFLECTOR_ACCESS_TOKEN for any client-credentials request and
 * echoes that request too.
 */
export async function startReflector(): Promise<Upstream> {
  let base = "";
  const upstream = await serve((req, res) => {
    const reflected = { method: req.method, url: req.path, headers: req.headers, body: req.body, links: { self: `${base}${req.path}` } };
    if (req.path.startsWith("/token")) return json(res, 200, { access_token: REFLECTOR_ACCESS_TOKEN, token_type: "Bearer", expires_in: 60, you_sent: reflected });
    if (req.path.startsWith("/echo-error")) {
      res.writeHead(400, { "content-type": "text/plain" });
      return res.end(`bad request: ${JSON.stringify(reflected)}`);
    }
    return json(res, 200, reflected);
  });
  base = upstream.url;
  return upstream;
}

type Scheme = Record<string, unknown>;

/** An OpenAPI document for the reflector whose only security scheme is `scheme`. */
export function reflectorSpec(base: string, scheme: Scheme): object {
  const echo = (operationId: string) => ({
    operationId,
    parameters: [{ name: "page", in: "query", schema: { type: "integer" } }],
    responses: { "200": { description: "what you sent" } },
  });
  return {
    openapi: "3.1.0",
    info: { title: "Reflector", version: "1" },
    servers: [{ url: base }],
    components: { securitySchemes: { only: scheme } },
    security: [{ only: [] }],
    paths: {
      "/echo": {
        get: echo("echo"),
        post: {
          operationId: "echoPost",
          requestBody: { content: { "application/json": { schema: { type: "object" } } } },
          responses: { "200": { description: "what you sent" } },
        },
      },
      "/echo-error": { get: echo("echoError") },
    },
  };
}
