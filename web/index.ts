import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";
import { apiKeysPage } from "./api-keys";
import { artifactsPages } from "./artifacts";
import { assets } from "./assets";
import { approvalsPages } from "./approvals";
import { authPages } from "./auth-pages";
import { connectPage } from "./connect";
import { connectionsPages } from "./connections";
import { consent } from "./consent";
import { devMailboxPages } from "./dev-mailbox";
import { invitationPages } from "./invitations";
import { membersPage } from "./members";
import { runsPages } from "./runs";
import { sourcesPages } from "./sources";
import { storesPages } from "./stores";
import { toolsAndGovernancePages } from "./tools-and-governance";

/**
 * CSP Level 3: scripts and styles from this origin only (no inline code, so an injected tag cannot
 * run), nothing embeds the pages, no plugins; `form-action` stays open because OAuth consent
 * redirects a form post to the client's registered redirect URI.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** Every page people see, server-rendered by the gateway. Form posts are capped at 64 KiB. */
export const web = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    if (c.res.headers.get("content-type")?.startsWith("text/html")) {
      c.res.headers.set("content-security-policy", CSP);
      c.res.headers.set("x-content-type-options", "nosniff");
    }
  })
  .use(
    "*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new HttpError(413, "payload-too-large", "form too large");
      },
    }),
  )
  .route("/", assets)
  .route("/", authPages)
  .route("/", connectPage)
  .route("/", apiKeysPage)
  .route("/", membersPage)
  .route("/", consent)
  .route("/", approvalsPages)
  .route("/", runsPages)
  .route("/", invitationPages)
  .route("/", devMailboxPages)
  .route("/", sourcesPages)
  .route("/", artifactsPages)
  .route("/", storesPages)
  .route("/", connectionsPages)
  .route("/", toolsAndGovernancePages);
