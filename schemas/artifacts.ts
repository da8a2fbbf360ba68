import { z } from "zod";
import { ToolPattern } from "./address";
import { JsonSchemaDoc, SideEffect } from "./common";
import { CredentialCapability } from "./account";
import { Narrowing, PrincipalKind } from "./principal";

/** An authored tool's or skill's name: lower-case words joined by `_` or `-`, as in its file name. */
export const ArtifactName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be 1-64 characters: a lower-case letter, then a-z, 0-9, '_' or '-'");

/** Limits a deploy is held to (413 beyond them; issue 11). */
export const ARTIFACT_LIMITS = { files: 200, fileChars: 256 * 1024, totalChars: 4 * 1024 * 1024, moduleChars: 512 * 1024, schemaChars: 256 * 1024 };

/** A path in the artifact repository: `tools/<name>.ts` or `skills/<name>/SKILL.md`, optionally under `executor/`. */
export const ArtifactPath = z.string().min(1).max(512);

/** What a tool file's default export says about itself, as its sandbox answers it. */
export const DescribedTool = z.object({
  name: ArtifactName,
  description: z.string().trim().min(1, "a tool needs a description").max(4096),
  sideEffect: SideEffect,
  /** Tools this one may call through ctx.tools (patterns); it can reach nothing else. */
  calls: z.array(ToolPattern).max(64),
  inputSchema: JsonSchemaDoc.nullable(),
  outputSchema: JsonSchemaDoc.nullable(),
});
export type DescribedTool = z.infer<typeof DescribedTool>;

/** Who deployed a tool, captured at deploy: the tool runs with no more than this authority. */
export const ArtifactAuthor = z.object({
  kind: PrincipalKind,
  userId: z.string().max(128),
  credentialId: z.string().max(128),
  narrowings: z.array(Narrowing).max(8),
  /** What the author's credential could do beyond calling (administer, approve, …): the tool can do no more. */
  capabilities: z.array(CredentialCapability).max(8).default([]),
});
export type ArtifactAuthor = z.infer<typeof ArtifactAuthor>;

/** A custom tool's `invocation` data in the catalog: its compiled module and captured authority. */
export const CustomInvocation = z.object({
  file: ArtifactPath,
  module: z.string().max(ARTIFACT_LIMITS.moduleChars),
  usesZod: z.boolean(),
  calls: z.array(ToolPattern).max(64),
  author: ArtifactAuthor,
});
export type CustomInvocation = z.infer<typeof CustomInvocation>;

/** `POST /v1/artifacts/deploy`. */
export const DeployRequest = z.object({
  /** Path → text. Sizes are checked by the deploy (413 over ARTIFACT_LIMITS), after the body limit. */
  files: z.record(ArtifactPath, z.string()),
  message: z.string().trim().min(1).max(500).optional(),
  /** Validate and answer the record only; nothing is written. */
  check: z.boolean().default(false),
  /** Where the set goes: the org (needs org write) or the caller's own user scope. */
  scope: z.enum(["org", "user"]).default("org"),
});
export type DeployRequest = z.infer<typeof DeployRequest>;

/** `POST /v1/artifacts/rollback`: restore the live set as it was at an earlier commit. */
export const RollbackRequest = z.object({
  commit: z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-character commit id"),
  scope: z.enum(["org", "user"]).default("org"),
  message: z.string().trim().min(1).max(500).optional(),
});
export type RollbackRequest = z.infer<typeof RollbackRequest>;

/** A skill file's front matter (`skills/<name>/SKILL.md`). */
export const SkillFrontMatter = z.object({
  name: ArtifactName,
  description: z.string().trim().min(1, "a skill needs a description").max(1024),
  /** Served at /.well-known/skills/ without a credential. */
  public: z.boolean().default(false),
});

/** A skill as the catalog keeps it. */
export const Skill = z.object({
  name: ArtifactName,
  description: z.string(),
  body: z.string(),
  public: z.boolean(),
  scope: z.string(),
  commit: z.string(),
  updatedAt: z.number(),
});
export type Skill = z.infer<typeof Skill>;
