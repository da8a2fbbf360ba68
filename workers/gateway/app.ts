import { Hono } from "hono";
import { web } from "../../web";
import type { AppEnv } from "./env";
import { installErrorModel } from "./errors";
import { health } from "./routes/health";
import { mcp } from "./routes/mcp";
import { oauthMetadata } from "./routes/oauth-metadata";
import { v1Accounts } from "./routes/v1-accounts";
import { v1Keys } from "./routes/v1-keys";

/** Composes the gateway: error model first, then routes. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  installErrorModel(app);
  app.route("/", health);
  app.route("/", oauthMetadata);
  app.route("/", v1Accounts);
  app.route("/", v1Keys);
  app.route("/", mcp);
  app.route("/", web);
  return app;
}
