import { z } from "zod";
import { ConnectionUpdateBody, PolicyCreateBody, ScopeField, SourceCreateBody, SourceRefreshBody, ToolkitCreateBody } from "./api";
import { RecordId, Slug, ToolName } from "./common";
import { RunStatus, RunSurface } from "./run";

// The inputs of the built-in `executor` source's tools (every org's management actions as governed
// tools). Each is the /v1 body of the same action, so an agent and a person are held to one rule;
// secrets are `writeOnly` (JSON Schema 2020-12 §9.4), which the invocation path seals before the Run
// is recorded, so no Run, approval screen or log ever holds one.

const secret = z
  .string()
  .min(1)
  .max(8192)
  .meta({ writeOnly: true, description: "The credential (token, API key, user:password). Write-only: sealed into the vault, never shown again, never in a Run." });

const envRef = z
  .string()
  .regex(/^env:\/\/[A-Z][A-Z0-9_]{0,127}$/, "must be env://NAME")
  .meta({ description: "Instead of a secret: a Worker secret of this org, env://EXECUTOR_SECRET_<ORG>_<NAME> (org owners, org scope)." });

const scope = ScopeField.meta({ description: "Where the record is placed: the organization (owners only) or your own user scope." });

export const ExecutorSourceAdd = SourceCreateBody.extend({
  scope,
  kind: z.enum(["openapi", "graphql", "mcp"]),
  config: z
    .record(z.string(), z.json())
    .meta({
      description:
        "openapi: {\"url\": \"https://…/openapi.json\"} or {\"document\": true} with `document`; graphql: {\"endpoint\": \"https://…/graphql\"}; mcp: {\"url\": \"https://…/mcp\"}.",
    }),
  connection: z
    .object({ name: Slug, secret: secret.optional(), secretRef: envRef.optional() })
    .strict()
    .optional()
    .meta({ description: "A first connection (an account at the upstream), created with the source; its credential is also used to discover the tools." }),
}).strict();

export const ExecutorSourceRef = z.object({ scope, slug: Slug }).strict();
export const ExecutorSourceRefresh = ExecutorSourceRef.extend(SourceRefreshBody.shape).strict();
export const ExecutorSourceGrant = ExecutorSourceRef.extend({
  tools: z.array(ToolName).min(1).max(500).meta({ description: "Tool names awaiting review (from sources/get) to grant at their current definition." }),
}).strict();

export const ExecutorConnectionAdd = z
  .object({ scope, source: Slug, name: Slug, secret: secret.optional(), secretRef: envRef.optional() })
  .strict()
  .refine((b) => !(b.secret !== undefined && b.secretRef !== undefined), { message: "send either secret or secretRef", path: ["secret"] });

export const ExecutorConnectionRef = z.object({ scope, source: Slug, name: Slug }).strict();
export const ExecutorConnectionRotate = z
  .object({ scope, source: Slug, name: Slug, secret: secret.optional(), secretRef: ConnectionUpdateBody.shape.secretRef })
  .strict()
  .refine((b) => (b.secret === undefined) !== (b.secretRef === undefined), { message: "send exactly one of secret or secretRef", path: ["secret"] });

export const ExecutorToolkitCreate = ToolkitCreateBody;
export const ExecutorToolkitRef = z.object({ scope, slug: Slug }).strict();
export const ExecutorPolicySet = PolicyCreateBody;
export const ExecutorPolicyRef = z.object({ scope, id: RecordId }).strict();

export const ExecutorRunsList = z
  .object({
    status: RunStatus.optional(),
    tool: z.string().max(512).optional().meta({ description: "A tool address, exactly." }),
    surface: RunSurface.optional(),
    since: z.number().int().optional().meta({ description: "Epoch milliseconds." }),
    until: z.number().int().optional(),
    cursor: z.number().int().positive().optional().meta({ description: "nextCursor of the previous page." }),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .strict();

export const ExecutorRunRef = z.object({ runId: RecordId }).strict();
export const ExecutorDecision = z
  .object({ runId: RecordId, decision: z.enum(["approve", "deny"]), comment: z.string().max(2048).optional() })
  .strict();

export const ExecutorNoInput = z.object({}).strict();
