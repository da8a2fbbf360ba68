import { z } from "zod";
import { JsonObject, Slug } from "./common";
import { PolicyInput } from "./policy";
import { SourceKind } from "./source";
import { ToolkitInput, ToolkitPatch } from "./toolkit";

/** Which of the caller's scopes a record is placed in. */
export const ScopeField = z.enum(["org", "user"]).default("org");

export const SourceCreateBody = z
  .object({
    scope: ScopeField,
    // `code` names the runs of code mode (`code.<org>.sandbox.run_code`) and `executor` the built-in
    // source of every org (its management actions): no source may take either.
    slug: Slug.refine((slug) => slug !== "code", "is reserved for code runs").refine((slug) => slug !== "executor", "is reserved for the built-in executor source"),
    kind: SourceKind.refine((kind) => kind !== "executor", "the executor source is built in; every org has one").refine((kind) => kind !== "store", "stores are created with POST /v1/stores"),
    title: z.string().trim().min(1).max(256).optional(),
    config: JsonObject,
    /** Development only: allow loopback http for this source. */
    local: z.boolean().default(false),
    /** An uploaded document (OpenAPI JSON or YAML) when the config says `document: true`. */
    document: z.string().min(1).optional(),
    /**
     * A first connection, created with the source; its credential is also used for discovery when
     * the upstream needs one to describe itself.
     */
    connection: z
      .object({
        name: Slug,
        secret: z.string().min(1).max(8192).optional(),
        secretRef: z.string().regex(/^env:\/\/[A-Z][A-Z0-9_]{0,127}$/, "must be env://NAME").optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SourceCreateBody = z.infer<typeof SourceCreateBody>;

export const SourceRefreshBody = z
  .object({ document: z.string().min(1).optional(), connection: Slug.optional() })
  .strict();

export const ConnectionCreateBody = z
  .object({
    scope: ScopeField,
    source: Slug,
    name: Slug,
    secret: z.string().min(1).max(8192).optional(),
    secretRef: z.string().regex(/^env:\/\/[A-Z][A-Z0-9_]{0,127}$/, "must be env://NAME").optional(),
  })
  .strict()
  .refine((b) => !(b.secret !== undefined && b.secretRef !== undefined), { message: "send either secret or secretRef", path: ["secret"] });
export type ConnectionCreateBody = z.infer<typeof ConnectionCreateBody>;

export const ConnectionUpdateBody = z
  .object({
    secret: z.string().min(1).max(8192).optional(),
    secretRef: z.string().regex(/^env:\/\/[A-Z][A-Z0-9_]{0,127}$/, "must be env://NAME").nullable().optional(),
  })
  .strict()
  .refine((b) => (b.secret === undefined) !== (b.secretRef === undefined), { message: "send exactly one of secret or secretRef", path: ["secret"] });

export const PolicyCreateBody = PolicyInput.extend({ scope: ScopeField }).strict();
export const ToolkitCreateBody = ToolkitInput.extend({ scope: ScopeField }).strict();
export const ToolkitUpdateBody = ToolkitPatch;

export const CallBody = z.object({ arguments: JsonObject.default({}) }).strict();

export const DecisionBody = z.object({ comment: z.string().max(2048).optional() }).strict();
