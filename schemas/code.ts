import { z } from "zod";
import { CredentialCapability, Identity, ToolkitRef } from "./account";
import { RecordId } from "./common";
import { Principal } from "./principal";

/** The longest a code run may take, wall clock, and its default. */
export const CODE_TIMEOUT_MAX_MS = 120_000;
export const CODE_TIMEOUT_DEFAULT_MS = 30_000;

/** `run_code` (MCP) and `POST /v1/code` (HTTP): TypeScript or JavaScript, an async function body or a module with a default export. */
export const CodeInput = z
  .object({
    code: z.string().min(1, "must not be empty").max(100_000, "must be at most 100,000 characters"),
    timeoutMs: z.number().int().min(100).max(CODE_TIMEOUT_MAX_MS).default(CODE_TIMEOUT_DEFAULT_MS),
  })
  .strict();
export type CodeInput = z.infer<typeof CodeInput>;

/** What a child call answers inside the sandbox when a person must approve it first. */
export const PendingCall = z.object({
  status: z.literal("pending_approval"),
  runId: z.string(),
  address: z.string(),
  reviewLink: z.string(),
  reason: z.string(),
});
export type PendingCall = z.infer<typeof PendingCall>;

/**
 * The props of a ToolProxy stub (`ctx.exports.ToolProxy({ props })`), validated when it is used: the
 * caller's narrowed authority (an AuthContext), the parent code Run, its call budget, and the public
 * origin review links are made from. The sandbox never sees them.
 */
export const ToolProxyProps = z.object({
  auth: z.object({
    principal: Principal,
    identity: Identity,
    grant: z.object({ toolkit: ToolkitRef.nullable(), capabilities: z.array(CredentialCapability) }),
  }),
  parentRunId: RecordId,
  maxCalls: z.number().int().min(1).max(10_000),
  base: z.url(),
});
export type ToolProxyProps = z.infer<typeof ToolProxyProps>;
