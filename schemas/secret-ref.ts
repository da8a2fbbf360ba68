import { z } from "zod";

/**
 * A pointer to a secret, never the secret (DESIGN §2): `vault://<id>` (encrypted at rest by the
 * platform) or `env://NAME` (a Worker secret). Resolved in trusted code only, at call time.
 */
export const SecretRef = z
  .string()
  .regex(/^(vault:\/\/[a-z0-9_-]{8,64}|env:\/\/[A-Z][A-Z0-9_]{0,127})$/, "must be vault://<id> or env://NAME");
export type SecretRef = z.infer<typeof SecretRef>;
