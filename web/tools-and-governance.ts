import { Hono } from "hono";
import type { AppEnv } from "../workers/gateway/env";
import { policiesPages } from "./policies";
import { toolkitsPages } from "./toolkits";
import { toolsPages } from "./tools";

/** The Tools, Toolkits and Policies pages, registered in web/index.ts as one group. */
export const toolsAndGovernancePages = new Hono<AppEnv>().route("/", toolsPages).route("/", toolkitsPages).route("/", policiesPages);
