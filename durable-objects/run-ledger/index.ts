import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { z } from "zod";
import migrations from "../../migrations/run-ledger/migrations.js";
import type { HmacSha256Key } from "../../core/evidence";
import type { JsonValue, LedgerVerification, Result, Run } from "../../schemas";
import { JsonValue as JsonValueSchema, RecordId, Run as RunSchema, RunApproval, RunError, RunOutput, RunStatus, RunSurface, fail, parseInput } from "../../schemas";
import { ledgerAnchor } from "../ledger-anchor/client";
import { anchorKey } from "../ledger-anchor/checkpoint";
import { Anchoring } from "./anchoring";
import { ledgerKey } from "./chain";
import type { RunFilter } from "./ledger";
import * as ledger from "./ledger";
import { verifyLedger } from "./verify";

/**
 * If the object stops before a checkpoint round trip completes, this alarm (armed by the first append
 * after each checkpoint window) writes it: the longest an appended event stays unanchored after a restart.
 */
export const ANCHOR_ALARM_MS = 5_000;

const NewRunInput = z.object({
  run: RunSchema.omit({ id: true, prevHash: true, evidenceHash: true }),
  args: JsonValueSchema.nullable(),
  idempotencyKey: z.string().min(1).max(255).nullable(),
  /** For a child of running code: refused unless the parent runs and has budget left (ledger.ts). */
  parent: z.object({ maxChildren: z.number().int().min(1).max(10_000) }).optional(),
});
const Patch = z
  .object({
    status: RunStatus,
    output: RunOutput.nullable(),
    error: RunError.nullable(),
    startedAt: z.number().int().nullable(),
    finishedAt: z.number().int().nullable(),
    retries: z.number().int().nonnegative(),
    approvals: z.array(RunApproval),
    logs: RunSchema.shape.logs.unwrap(),
  })
  .partial();
const Filter = z.object({
  address: z.string().max(512).optional(),
  status: RunStatus.optional(),
  decision: z.enum(["approve", "deny"]).optional(),
  userId: z.string().max(64).optional(),
  surface: RunSurface.optional(),
  parentRunId: RecordId.optional(),
  since: z.number().int().optional(),
  until: z.number().int().optional(),
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/**
 * One org's Runs (`idFromName(orgId)`): every call on any surface, admitted, refused or pending,
 * with a keyed hash chain over every state change, checkpointed into the org's LedgerAnchor
 * (DESIGN invariant 3, §10 evidence; finding 13).
 */
export class RunLedger extends DurableObject {
  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>;
  readonly #org: string;
  readonly #anchoring: Anchoring;
  #linkKey: Promise<HmacSha256Key> | undefined;
  #anchorKey: Promise<HmacSha256Key> | undefined;
  #alarmArmed = false;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#db = drizzle(ctx.storage, { logger: false });
    // The keys are bound to the org the object was addressed by, never to anything in its storage, so
    // another org's ledger copied into this one does not verify.
    this.#org = ctx.id.name ?? "";
    this.#anchoring = new Anchoring({
      db: this.#db,
      org: this.#org,
      linkKey: () => this.#key(),
      anchorKey: () => (this.#anchorKey ??= anchorKey(env.VAULT_KEY, this.#named())),
      anchor: () => ledgerAnchor(env.LEDGER_ANCHOR, this.#named()),
    });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations);
    });
  }

  #named(): string {
    if (this.#org === "") throw new TypeError("a RunLedger must be addressed by idFromName(orgId)");
    return this.#org;
  }

  #key(): Promise<HmacSha256Key> {
    this.#linkKey ??= ledgerKey(this.env.VAULT_KEY, this.#named());
    // A failed derivation (a misconfigured secret) is not cached: the next call tries again.
    this.#linkKey.catch(() => (this.#linkKey = undefined));
    return this.#linkKey;
  }

  /**
   * An append: seal the chain's start if needed (awaited once per object, shared by every call that
   * arrives meanwhile), then `work` runs synchronously: it reads the head, hashes (core/evidence
   * sha256.ts, no WebCrypto promise), checks and writes in one step of this object, so no other call
   * can run between its read and its write and appends need no queue. Then a checkpoint, off the call path.
   */
  async #append<T>(work: (key: HmacSha256Key) => Result<T>): Promise<Result<T>> {
    const sealed = await this.#anchoring.seal();
    if (!sealed.ok) return sealed;
    const key = await this.#key();
    const result = work(key);
    if (result.ok) this.#checkpointSoon();
    return result;
  }

  #checkpointSoon(): void {
    // Not awaited: the caller's answer does not depend on the checkpoint (DESIGN invariant 8). The
    // alarm writes it if this object stops first, or retries it if the anchor could not be reached.
    this.#anchoring.schedule(() => void this.ctx.storage.setAlarm(Date.now() + ANCHOR_ALARM_MS).catch(() => undefined));
    if (!this.#alarmArmed) {
      this.#alarmArmed = true;
      // The write is ordered before this call's answer by the output gate; nothing here awaits it.
      this.ctx.storage.setAlarm(Date.now() + ANCHOR_ALARM_MS).catch(() => (this.#alarmArmed = false));
    }
  }

  override async alarm(): Promise<void> {
    this.#alarmArmed = false;
    // Throwing makes the runtime retry the alarm with backoff.
    await this.#anchoring.flush();
  }

  async record(input: unknown): Promise<Result<{ run: Run; replayed: boolean }>> {
    const parsed = parseInput(NewRunInput, input);
    if (!parsed.ok) return parsed;
    const { run, args, idempotencyKey, parent } = parsed.value;
    // Hashing the arguments depends on nothing stored: done before the append, not inside it.
    const argsHash = args === null ? null : await ledger.argumentsHash(args);
    return this.#append((key) => ledger.recordRun(this.#db, key, run as ledger.NewRun, args, idempotencyKey, parent, argsHash));
  }

  async transition(id: string, patch: unknown, expected: unknown): Promise<Result<Run>> {
    const parsed = parseInput(z.tuple([Patch, z.array(RunStatus).min(1)]), [patch, expected]);
    if (!parsed.ok) return parsed;
    const [patch_, expected_] = parsed.value;
    return this.#append((key) => ledger.transitionRun(this.#db, key, id, patch_ as ledger.RunPatch, expected_, Date.now()));
  }

  /** Finishes a running Run with its output (large outputs are stored beside it as a handle). */
  async complete(id: string, value: unknown, logs?: unknown): Promise<Result<Run>> {
    const parsed = parseInput(z.tuple([JsonValueSchema, RunSchema.shape.logs]), [value, logs]);
    if (!parsed.ok) return parsed;
    const [output, lines] = parsed.value;
    if (typeof id !== "string") return fail("invalid_input", "a run id is a string");
    const prepared = await ledger.prepareOutput(id, output);
    return this.#append((key) => ledger.completeWithOutput(this.#db, key, id, prepared, Date.now(), lines ? { logs: lines } : {}));
  }

  readOutput(id: string, offset: unknown, length: unknown): Result<{ text: string; total: number }> {
    const parsed = parseInput(z.tuple([z.number().int().min(0), z.number().int().min(1).max(1_048_576)]), [offset, length]);
    return parsed.ok ? ledger.readOutput(this.#db, id, parsed.value[0], parsed.value[1]) : parsed;
  }

  byIdempotencyKey(key: string): Result<Run | null> {
    const parsed = parseInput(z.string().min(1).max(255), key);
    return parsed.ok ? { ok: true, value: ledger.findByIdempotencyKey(this.#db, parsed.value) } : parsed;
  }

  get(id: string): Result<{ run: Run; input: JsonValue | null }> {
    return ledger.getRun(this.#db, id);
  }

  list(filter: unknown): Result<{ runs: Run[]; nextCursor: number | null }> {
    const parsed = parseInput(Filter, filter);
    return parsed.ok ? { ok: true, value: ledger.listRuns(this.#db, parsed.value as RunFilter) } : parsed;
  }

  /**
   * Recomputes the chain and compares it with the anchor (verify.ts). A pending checkpoint is written
   * first, so an untouched ledger at rest reports `unanchored: 0`; that write can never cover a
   * tampered history (Anchoring only advances along the signed one).
   */
  async verify(): Promise<LedgerVerification> {
    await this.#anchoring.flush().catch(() => undefined);
    return verifyLedger(this.#db, await this.#key(), await this.#anchoring.read());
  }
}
