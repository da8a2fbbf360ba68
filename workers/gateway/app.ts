import { Hono } from "hono";
import { web } from "../../web";
import type { AppEnv } from "./env";
import { installErrorModel } from "./errors";
import { health } from "./routes/health";
import { mcp } from "./routes/mcp";
import { oauthMetadata } from "./routes/oauth-metadata";
import { v1Accounts } from "./routes/v1-accounts";
import { v1Artifacts } from "./routes/v1-artifacts";
import { skillRoutes } from "./routes/skills";
import { v1Catalog } from "./routes/v1-catalog";
import { v1Code } from "./routes/v1-code";
import { v1Connections } from "./routes/v1-connections";
import { v1Stores } from "./routes/v1-stores";
import { v1Workflows } from "./routes/v1-workflows";
import { v1Governance } from "./routes/v1-governance";
import { v1ToolkitApi } from "./routes/v1-toolkit-api";
import { v1Keys } from "./routes/v1-keys";
import { v1Runs } from "./routes/v1-runs";
import { v1Tools } from "./routes/v1-tools";
import { provideExecutorActions } from "../invoke/builtin/executor-actions";
import { executorActions } from "./executor-source";

/** Composes the gateway: error model first, then routes. */
export function createApp(): Hono<AppEnv> {
  // The executor source's tools run the gateway's management services (approved ones from the
  // approval workflow, in this same Worker): handed downward so invoke/ imports nothing from here.
  provideExecutorActions(executorActions);
  const app = new Hono<AppEnv>();
  // When the request reached the Worker: the first stage of Server-Timing on /v1/call.
  app.use("*", async (c, next) => {
    c.set("startedAt", performance.now());
    await next();
  });
  installErrorModel(app);
  app.route("/", health);
  app.route("/", oauthMetadata);
  app.route("/", v1Accounts);
  app.route("/", v1Keys);
  app.route("/", v1Catalog);
  app.route("/", v1Connections);
  app.route("/", v1Stores);
  app.route("/", v1Workflows);
  // Before the governance routes: toolkit routes answer their own CORS preflight, without credentials.
  app.route("/", v1ToolkitApi);
  app.route("/", v1Governance);
  app.route("/", v1Tools);
  app.route("/", v1Runs);
  app.route("/", v1Code);
  app.route("/", v1Artifacts);
  app.route("/", skillRoutes);
  app.route("/", mcp);
  app.route("/", web);
  return app;
}
