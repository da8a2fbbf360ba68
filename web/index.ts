import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";
import { apiKeysPage } from "./api-keys";
import { approvalsPages } from "./approvals";
import { authPages } from "./auth-pages";
import { connectPage } from "./connect";
import { consent } from "./consent";
import { devMailboxPages } from "./dev-mailbox";
import { invitationPages } from "./invitations";
import { membersPage } from "./members";

/** Every page people see, server-rendered by the gateway. Form posts are capped at 64 KiB. */
export const web = new Hono<AppEnv>()
  .use(
    "*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new HttpError(413, "payload-too-large", "form too large");
      },
    }),
  )
  .route("/", authPages)
  .route("/", connectPage)
  .route("/", apiKeysPage)
  .route("/", membersPage)
  .route("/", consent)
  .route("/", approvalsPages)
  .route("/", invitationPages)
  .route("/", devMailboxPages);
