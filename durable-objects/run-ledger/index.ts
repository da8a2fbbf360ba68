import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { z } from "zod";
import migrations from "../../migrations/run-ledger/migrations.js";
import type { JsonValue, Result, Run } from "../../schemas";
import { JsonValue as JsonValueSchema, Run as RunSchema, RunApproval, RunError, RunOutput, RunStatus, parseInput } from "../../schemas";
import type { RunFilter, Verification } from "./ledger";
import * as ledger from "./ledger";

const NewRunInput = z.object({
  run: RunSchema.omit({ id: true, prevHash: true, evidenceHash: true }),
  args: JsonValueSchema.nullable(),
  idempotencyKey: z.string().min(1).max(255).nullable(),
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
  })
  .partial();
const Filter = z.object({
  address: z.string().max(512).optional(),
  status: RunStatus.optional(),
  decision: z.enum(["approve", "deny"]).optional(),
  userId: z.string().max(64).optional(),
  since: z.number().int().optional(),
  until: z.number().int().optional(),
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/**
 * One org's Runs (`idFromName(orgId)`): every call on any surface, admitted, refused or pending,
 * with a hash chain over every state change (DESIGN invariant 3, §10 evidence).
 */
export class RunLedger extends DurableObject {
  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>;
  /**
   * Appends are serialized: hashing awaits WebCrypto, which is not storage I/O, so without this two
   * calls could both read the same chain head and fork the chain.
   */
  #tail: Promise<unknown> = Promise.resolve();

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(work, work);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#db = drizzle(ctx.storage, { logger: false });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations);
    });
  }

  async record(input: unknown): Promise<Result<{ run: Run; replayed: boolean }>> {
    const parsed = parseInput(NewRunInput, input);
    if (!parsed.ok) return parsed;
    const { run, args, idempotencyKey } = parsed.value;
    return this.#serial(() => ledger.recordRun(this.#db, run as ledger.NewRun, args, idempotencyKey));
  }

  async transition(id: string, patch: unknown, expected: unknown): Promise<Result<Run>> {
    const parsed = parseInput(z.tuple([Patch, z.array(RunStatus).min(1)]), [patch, expected]);
    if (!parsed.ok) return parsed;
    const [patch_, expected_] = parsed.value;
    return this.#serial(() => ledger.transitionRun(this.#db, id, patch_ as ledger.RunPatch, expected_, Date.now()));
  }

  /** Finishes a running Run with its output (large outputs are stored beside it as a handle). */
  async complete(id: string, value: unknown): Promise<Result<Run>> {
    const parsed = parseInput(JsonValueSchema, value);
    if (!parsed.ok) return parsed;
    return this.#serial(() => ledger.completeWithOutput(this.#db, id, parsed.value, Date.now()));
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

  verify(): Promise<Verification> {
    return ledger.verifyLedger(this.#db);
  }
}
