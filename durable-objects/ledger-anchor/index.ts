import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import type { HmacSha256Key } from "../../core/evidence";
import type { LedgerCheckpoint, Result } from "../../schemas";
import { LedgerCheckpoint as CheckpointSchema, Sha256Hex, fail, ok, parseInput } from "../../schemas";
import { anchorKey, checkpointAuthentic } from "./checkpoint";

const KEY = "checkpoint";
const Expected = z.object({ seq: z.number().int().nonnegative(), head: Sha256Hex.nullable() }).nullable();

/**
 * The signed checkpoint of one org's run ledger (`idFromName(orgId)`), kept outside the ledger's own
 * storage so that removing the ledger's newest events, wiping it or rolling it back is visible to
 * `verify()` (finding 13). It holds one record and only ever moves forward along the history it signed.
 */
export class LedgerAnchor extends DurableObject {
  readonly #org: string;
  #key: Promise<HmacSha256Key> | undefined;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#org = ctx.id.name ?? "";
  }

  #orgKey(): Promise<HmacSha256Key> {
    this.#key ??= anchorKey(this.env.VAULT_KEY, this.#org);
    return this.#key;
  }

  /** The newest checkpoint as stored, or null before the ledger is sealed. The reader checks its MAC. */
  read(): LedgerCheckpoint | null {
    return this.ctx.storage.kv.get<LedgerCheckpoint>(KEY) ?? null;
  }

  /**
   * Compare-and-swap: `next` replaces the stored checkpoint only if the caller saw the stored one
   * (`expected`), it does not go backwards or fork at the same seq, it keeps where the keyed chain
   * starts, and its MAC is this org's. The read, the comparison and the write run synchronously after
   * the MAC check, so two calls cannot both advance from the same checkpoint.
   */
  async advance(expected: unknown, next: unknown): Promise<Result<LedgerCheckpoint>> {
    const parsed = parseInput(z.tuple([Expected, CheckpointSchema]), [expected, next]);
    if (!parsed.ok) return parsed;
    const [seen, cp] = parsed.value;
    if (this.#org === "" || cp.org !== this.#org) return fail("wrong_scope", "a checkpoint can only be kept by its own org's anchor");
    if ((cp.seq === 0) !== (cp.head === null)) return fail("invalid_input", "a checkpoint has a head exactly when it covers events");
    if (!(await checkpointAuthentic(await this.#orgKey(), cp))) return fail("forbidden", "the checkpoint's MAC is not this org's");
    const current = this.read();
    const matches = current === null ? seen === null : seen !== null && seen.seq === current.seq && seen.head === current.head;
    if (!matches) return fail("conflict", "the anchor holds another checkpoint than the one the ledger saw");
    if (current !== null) {
      if (cp.keyedFrom !== current.keyedFrom) return fail("conflict", "where the keyed chain starts never changes");
      if (cp.seq < current.seq || (cp.seq === current.seq && cp.head !== current.head)) {
        return fail("conflict", "a checkpoint never goes backwards or forks");
      }
    }
    this.ctx.storage.kv.put(KEY, cp);
    return ok(cp);
  }
}
