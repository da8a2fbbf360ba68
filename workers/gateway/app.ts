import { Hono } from "hono";
import type { AppEnv } from "./env";
import { installErrorModel } from "./errors";
import { health } from "./routes/health";

/** Composes the gateway: error model first, then routes. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  installErrorModel(app);
  app.route("/", health);
  return app;
}
