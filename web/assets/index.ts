import { Hono } from "hono";
import type { AppEnv } from "../../workers/gateway/env";
import { APP_CSS } from "./app-css";
import { APP_JS } from "./app-js";
import { RUNS_CSS } from "./runs-css";
import { SOURCES_JS } from "./sources-js";
import { STORES_JS } from "./stores-js";
import { TOOLKITS_JS } from "./toolkits-js";

/** Every static asset the pages use, by file name. Pages add theirs here (one module each). */
const ASSETS: Record<string, { type: string; body: string }> = {
  "app.css": { type: "text/css; charset=utf-8", body: APP_CSS },
  "app.js": { type: "text/javascript; charset=utf-8", body: APP_JS },
  "runs.css": { type: "text/css; charset=utf-8", body: RUNS_CSS },
  "sources.js": { type: "text/javascript; charset=utf-8", body: SOURCES_JS },
  "stores.js": { type: "text/javascript; charset=utf-8", body: STORES_JS },
  "toolkits.js": { type: "text/javascript; charset=utf-8", body: TOOLKITS_JS },
};

/** `/assets/<name>`: the stylesheet and scripts, cacheable, never inline (the CSP forbids inline code). */
export const assets = new Hono<AppEnv>().get("/assets/:name", (c) => {
  const asset = ASSETS[c.req.param("name")];
  if (!asset) return c.notFound();
  return c.body(asset.body, 200, { "content-type": asset.type, "cache-control": "public, max-age=300", "x-content-type-options": "nosniff" });
});
