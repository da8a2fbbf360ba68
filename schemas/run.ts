import { z } from "zod";
import { ToolAddress } from "./address";
import { AdmissionDecision } from "./admission";
import { EpochMs, JsonValue, RecordId, ScopeId, Sha256Hex } from "./common";
import { PrincipalKind } from "./principal";

export const RunStatus = z.enum([
  "pending_approval",
  "queued",
  "running",
  "succeeded",
  "failed",
  "rejected",
  "denied",
  "expired",
  "cancelled",
]);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunSurface = z.enum(["http", "mcp", "cli", "workflow", "sandbox", "web"]);
export type RunSurface = z.infer<typeof RunSurface>;

/** The output of a Run: inline when small, else a handle to stored bytes. */
export const RunOutput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("inline"), value: JsonValue }),
  z.object({
    kind: z.literal("handle"),
    handle: z.string().max(128),
    bytes: z.number().int().nonnegative(),
    /** SHA-256 of the stored output text, so the evidence chain covers outputs kept beside the Run. */
    sha256: Sha256Hex,
  }),
]);
export type RunOutput = z.infer<typeof RunOutput>;

export const RunApproval = z.object({
  decision: z.enum(["approve", "deny"]),
  by: RecordId,
  at: EpochMs,
  comment: z.string().max(2048).optional(),
});
export type RunApproval = z.infer<typeof RunApproval>;

/** An error as recorded: a code and a message written by the platform, never upstream secrets. */
export const RunError = z.object({ code: z.string().max(64), message: z.string().max(2048) });
export type RunError = z.infer<typeof RunError>;

/** The record of one execution on any surface (DESIGN §2). */
export const Run = z.object({
  id: RecordId,
  parentRunId: RecordId.nullable(),
  surface: RunSurface,
  principal: z.object({ kind: PrincipalKind, credentialId: z.string().max(128), userId: RecordId }),
  scopeChain: z.array(ScopeId).min(1),
  /** Labels of the narrowings (toolkits) in force: the capability set. */
  capabilities: z.array(z.string().max(128)),
  address: ToolAddress,
  toolHash: Sha256Hex.nullable(),
  artifactVersion: z.string().max(128).nullable(),
  admission: AdmissionDecision,
  policyVersion: z.string().max(128),
  inputHash: Sha256Hex,
  output: RunOutput.nullable(),
  status: RunStatus,
  createdAt: EpochMs,
  startedAt: EpochMs.nullable(),
  finishedAt: EpochMs.nullable(),
  approvals: z.array(RunApproval),
  retries: z.number().int().nonnegative(),
  error: RunError.nullable(),
  /** True when the call was allowed loopback http because its source is marked local (development only). */
  localEgress: z.boolean(),
  /** Which isolation class actually ran the code, if any (DESIGN invariant 7). */
  sandbox: z.string().max(64).nullable(),
  /** What the code wrote to its console (code Runs only), bounded; never a secret (the sandbox holds none). */
  logs: z.array(z.string().max(2000)).max(200).optional(),
  prevHash: Sha256Hex.nullable(),
  evidenceHash: Sha256Hex,
});
export type Run = z.infer<typeof Run>;
