import { z } from "zod";
import { EpochMs, RecordId, ScopeId, Slug } from "./common";
import { SecretRef } from "./secret-ref";

/** A credential, born wired: identified by (scope, source, name); holds a SecretRef, never a secret. */
export const Connection = z.object({
  id: RecordId,
  scope: ScopeId,
  source: Slug,
  name: Slug,
  secretRef: SecretRef.nullable(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Connection = z.infer<typeof Connection>;

export const ConnectionInput = Connection.pick({ source: true, name: true, secretRef: true });
export type ConnectionInput = z.infer<typeof ConnectionInput>;
