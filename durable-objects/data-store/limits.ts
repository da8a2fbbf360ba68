import { z } from "zod";

/** What a store operation answers across RPC: errors are data, each with a code a caller maps to a status. */
export type StoreErrorCode = "invalid_input" | "conflict" | "wrong_kind" | "not_found" | "quota_exceeded" | "sql_error" | "too_large" | "expired";
export type StoreResult<T> = { ok: true; value: T } | { ok: false; code: StoreErrorCode; message: string };

export const storeOk = <T>(value: T): StoreResult<T> => ({ ok: true, value });
export const storeFail = <T = never>(code: StoreErrorCode, message: string): StoreResult<T> => ({ ok: false, code, message });

/** HTTP status of each code (the Run's error keeps the code; the status is the call's answer). */
export const STORE_STATUS: Readonly<Record<StoreErrorCode, number>> = {
  invalid_input: 422,
  conflict: 409,
  wrong_kind: 422,
  not_found: 404,
  quota_exceeded: 507,
  sql_error: 422,
  too_large: 413,
  expired: 410,
};

export const StoreKind = z.enum(["kv", "sqlite"]);
export type StoreKind = z.infer<typeof StoreKind>;

/** A store's name is its connection name on the `store` source, so it follows connection naming. */
export const StoreName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 chars of a-z, 0-9 and '-', starting with a letter or digit");

/** What the gateway tells a store about itself when it first writes (idempotent). */
export const StoreMeta = z.object({
  scope: z.string().min(1).max(128),
  name: StoreName,
  kind: StoreKind,
  /** Epoch ms after which the store is emptied and refuses every call (temporary stores); null: kept. */
  expiresAt: z.number().int().positive().nullable(),
});
export type StoreMeta = z.infer<typeof StoreMeta>;

/** How much more a write may use: the scope's quota minus what its other stores hold. */
export const Budget = z.object({ bytes: z.number().int(), rows: z.number().int() });
export type Budget = z.infer<typeof Budget>;
export type Usage = { bytes: number; rows: number };

export const LIMITS = {
  keyChars: 512,
  /** One value or one SQL parameter list, as JSON. */
  valueBytes: 1_048_576,
  sqlChars: 100_000,
  /** Rows one `exec` may insert with a batch of parameter lists. */
  batchRows: 10_000,
  /** Rows a read answers at most (`limit` asks for fewer). */
  readRows: 1_000,
  /** JSON size of a read's answer; more is cut at a row boundary and says so. */
  readBytes: 2_097_152,
  /** Open subscriptions per store. */
  subscribers: 1_000,
} as const;

const JsonScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const SqlParams = z.array(JsonScalar).max(1_000);

export const KvGet = z.object({ key: z.string().min(1).max(LIMITS.keyChars) });
export const KvPut = z.object({ key: z.string().min(1).max(LIMITS.keyChars), value: z.json() });
export const KvDelete = KvGet;
export const KvList = z.object({
  prefix: z.string().max(LIMITS.keyChars).default(""),
  /** The last key of the previous page. */
  after: z.string().max(LIMITS.keyChars).optional(),
  limit: z.number().int().min(1).max(LIMITS.readRows).default(100),
});
export const SqlQuery = z.object({
  sql: z.string().min(1).max(LIMITS.sqlChars),
  params: SqlParams.default([]),
  limit: z.number().int().min(1).max(LIMITS.readRows).default(LIMITS.readRows),
});
export const SqlExec = z
  .object({
    sql: z.string().min(1).max(LIMITS.sqlChars),
    params: SqlParams.optional(),
    /** One parameter list per row: the statement runs once per list, all in one transaction. */
    rows: z.array(SqlParams).max(LIMITS.batchRows).optional(),
  })
  .refine((v) => !(v.params && v.rows), { message: "give params or rows, not both", path: ["rows"] });
export const StoreSearch = z.object({
  text: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(100).default(20),
});

/**
 * Recursive common table expressions can generate rows without end from nothing in the store; a
 * read (and a live view, re-run on every write) may not use them.
 */
export function refusesRecursion(sql: string): string | null {
  return /\brecursive\b/i.test(sql) ? "recursive queries (WITH RECURSIVE) are not allowed in reads: their cost has no bound" : null;
}

/** Byte length of a string as UTF-8. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
