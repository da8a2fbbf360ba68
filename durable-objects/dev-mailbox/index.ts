import { DurableObject } from "cloudflare:workers";
import { desc, eq, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/durable-sqlite";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { z } from "zod";
import { newId } from "../../core/ids";
import migrations from "../../migrations/dev-mailbox/migrations.js";
import type { MailMessage, Result, StoredMail } from "../../schemas";
import { Email, MailMessage as MailMessageSchema, fail, ok, parseInput } from "../../schemas";
import { messages } from "./tables";

/** The mailbox keeps the newest messages only, so a long-running dev platform stays small. */
const KEEP = 1_000;
const Query = z.object({ to: Email.optional(), limit: z.number().int().min(1).max(200).default(50) });

/**
 * Development only: the outbox of a local platform (`npm start`). Every message the platform
 * "sends" lands here, in the data folder with the rest of the state, and the /dev/mailbox page
 * shows it, so sign-up verification and invitations work with no mail server. One instance.
 */
export class DevMailbox extends DurableObject {
  readonly #db: DrizzleSqliteDODatabase<Record<string, never>>;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#db = drizzle(ctx.storage, { logger: false });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, migrations);
    });
  }

  deliver(input: unknown): Result<{ id: string }> {
    const parsed = parseInput(MailMessageSchema, input);
    if (!parsed.ok) return parsed;
    const row = { id: newId("msg"), ...parsed.value, html: parsed.value.html ?? null, createdAt: Date.now() };
    this.#db.transaction((tx) => {
      tx.insert(messages).values(row).run();
      const cutoff = tx.select({ at: messages.createdAt }).from(messages).orderBy(desc(messages.createdAt)).limit(1).offset(KEEP).get();
      if (cutoff) tx.delete(messages).where(lt(messages.createdAt, cutoff.at)).run();
    });
    return ok({ id: row.id });
  }

  /** Newest first, optionally for one recipient. */
  list(query: unknown): Result<StoredMail[]> {
    const parsed = parseInput(Query, query ?? {});
    if (!parsed.ok) return parsed;
    const { to, limit } = parsed.value;
    const rows = this.#db
      .select()
      .from(messages)
      .where(to ? eq(messages.to, to) : undefined)
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit)
      .all();
    return ok(rows.map(stored));
  }

  get(id: unknown): Result<StoredMail> {
    const parsed = parseInput(z.string().max(64), id);
    if (!parsed.ok) return parsed;
    const row = this.#db.select().from(messages).where(eq(messages.id, parsed.value)).get();
    return row ? ok(stored(row)) : fail("not_found", "no such message");
  }
}

function stored(row: typeof messages.$inferSelect): StoredMail {
  const mail: MailMessage = { to: row.to, from: row.from, subject: row.subject, text: row.text, ...(row.html ? { html: row.html } : {}) };
  return { id: row.id, createdAt: row.createdAt, ...mail };
}
