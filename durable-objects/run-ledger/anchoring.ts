import type { HmacSha256Key } from "../../core/evidence";
import type { LedgerCheckpoint, Result } from "../../schemas";
import { LedgerCheckpoint as CheckpointSchema, fail, ok } from "../../schemas";
import type { LedgerAnchorApi } from "../ledger-anchor/client";
import { checkpointAuthentic, signCheckpoint } from "../ledger-anchor/checkpoint";
import type { Db } from "./chain";
import { eventAt, head, keyedValid, storedBinding } from "./chain";

export type AnchoringDeps = {
  db: Db;
  org: string;
  linkKey: () => Promise<HmacSha256Key>;
  anchorKey: () => Promise<HmacSha256Key>;
  anchor: () => LedgerAnchorApi;
};

/** What the anchor holds, once read and checked: a checkpoint, none yet, or one that is not authentic. */
export type AnchorState = { kind: "checkpoint"; checkpoint: LedgerCheckpoint } | { kind: "none" } | { kind: "invalid" };

/**
 * At most one checkpoint round trip starts per this interval while appends keep coming; the appends in
 * between share the next one. An append after a quiet spell is checkpointed at once.
 */
export const CHECKPOINT_INTERVAL_MS = 100;

/**
 * Keeps the org's LedgerAnchor a checkpoint behind the ledger's head (finding 13), off the call path:
 * after an append, a checkpoint of the then-current head is written within CHECKPOINT_INTERVAL_MS,
 * shared by every append made meanwhile. So while the ledger runs, the anchor lags the head by at most
 * the events of the last CHECKPOINT_INTERVAL_MS plus one round trip, and a caller never waits for the
 * anchor (except the first append of an org, which seals the chain's start; see `seal`).
 *
 * The anchor only ever moves forward along this ledger's own history: before each advance the ledger
 * checks that its stored event at the anchor's seq still has the signed hash, and the anchor itself
 * refuses any checkpoint that is not a successor of the one the ledger saw (compare-and-swap). A
 * truncated or rolled-back ledger therefore never drags the anchor with it; verify reports it.
 */
export class Anchoring {
  readonly #deps: AnchoringDeps;
  /** The anchor's checkpoint as last read or written; undefined until read after a start. */
  #known: AnchorState | undefined;
  /** Set once the stored history was seen to contradict the anchor: the anchor is never advanced again. */
  #conflict = false;
  #sealed = false;
  /** The seal in progress: every append that arrives meanwhile waits for this one, none starts another. */
  #sealing: Promise<Result<void>> | null = null;
  #current: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastStart = 0;
  /** Bumped by every write we make, so a read that was in flight meanwhile cannot overwrite what we wrote. */
  #version = 0;

  constructor(deps: AnchoringDeps) {
    this.#deps = deps;
  }

  /** Reads the anchor's checkpoint and checks it is authentic for this org (schema, org, MAC). */
  async read(): Promise<AnchorState> {
    const version = this.#version;
    const stored = CheckpointSchema.nullable().safeParse(await this.#deps.anchor().read());
    let state: AnchorState;
    if (!stored.success) state = { kind: "invalid" };
    else if (stored.data === null) state = { kind: "none" };
    else if (stored.data.org !== this.#deps.org || !(await checkpointAuthentic(await this.#deps.anchorKey(), stored.data))) state = { kind: "invalid" };
    else state = { kind: "checkpoint", checkpoint: stored.data };
    if (this.#version === version) this.#known = state;
    return state;
  }

  #wrote(checkpoint: LedgerCheckpoint): void {
    this.#version++;
    this.#known = { kind: "checkpoint", checkpoint };
  }

  /**
   * Before an append: the anchor must say where the keyed chain starts before the first keyed event
   * exists, or a ledger whose keyed events were all rewritten with the old unkeyed hash could pass for
   * one never upgraded. Costs one round trip per object start while the head is legacy or empty (so
   * once per org), none once the head is a keyed event. Fails closed if the anchor cannot be reached.
   * Appends are not queued (index.ts), so concurrent first appends share one seal; none of them
   * writes before it is done, so the head it records is still the head when the first keyed event lands.
   */
  seal(): Promise<Result<void>> {
    if (this.#sealed) return Promise.resolve(ok(undefined));
    this.#sealing ??= this.#seal().finally(() => {
      this.#sealing = null;
    });
    return this.#sealing;
  }

  async #seal(): Promise<Result<void>> {
    if (await this.#headIsKeyed()) {
      this.#sealed = true;
      return ok(undefined);
    }
    try {
      const state = await this.read();
      if (state.kind === "none") {
        const h = head(this.#deps.db);
        const body = { org: this.#deps.org, seq: h.seq, head: h.hash, keyedFrom: h.seq + 1, at: Date.now() };
        const checkpoint = await signCheckpoint(await this.#deps.anchorKey(), body);
        const written = await this.#deps.anchor().advance(null, checkpoint);
        if (!written.ok) return fail("unavailable", `the ledger anchor refused the seal: ${written.error.message}`);
        this.#wrote(checkpoint);
      }
    } catch {
      return fail("unavailable", "the ledger anchor could not be reached to seal the chain");
    }
    this.#sealed = true;
    return ok(undefined);
  }

  /** After an append: a checkpoint soon, not on the caller's path. `onFailure` arranges a retry. */
  schedule(onFailure: () => void): void {
    if (this.#timer !== null) return;
    const wait = Math.max(0, this.#lastStart + CHECKPOINT_INTERVAL_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#lastStart = Date.now();
      this.flush().catch(onFailure);
    }, wait);
  }

  /** Resolves once a checkpoint round trip that started after this call has finished. */
  flush(): Promise<void> {
    if (this.#next) return this.#next;
    if (!this.#current) return this.#begin();
    const next = this.#current.catch(() => undefined).then(() => {
      this.#next = null;
      return this.#begin();
    });
    this.#next = next;
    return next;
  }

  #begin(): Promise<void> {
    const round = this.#once().finally(() => {
      if (this.#current === round) this.#current = null;
    });
    this.#current = round;
    return round;
  }

  async #once(): Promise<void> {
    if (this.#conflict) return;
    const state = this.#known ?? (await this.read());
    const { db } = this.#deps;
    // No authentic checkpoint: a legacy ledger not sealed yet has nothing to anchor, but keyed events
    // without one mean the anchor was lost or forged; re-anchoring them would hide exactly that.
    if (state.kind === "invalid") this.#conflict = true;
    if (state.kind === "none") this.#conflict = await this.#headIsKeyed();
    if (state.kind !== "checkpoint") return;
    const known = state.checkpoint;
    const mine = known.seq > 0 ? eventAt(db, known.seq) : undefined;
    if (known.seq > 0 && mine?.hash !== known.head) {
      this.#conflict = true;
      return;
    }
    const h = head(db);
    if (h.seq <= known.seq) return;
    const body = { org: this.#deps.org, seq: h.seq, head: h.hash, keyedFrom: known.keyedFrom, at: Date.now() };
    const checkpoint = await signCheckpoint(await this.#deps.anchorKey(), body);
    const written = await this.#deps.anchor().advance({ seq: known.seq, head: known.head }, checkpoint);
    // A refusal means the anchor holds something else than we thought: read it again next round.
    if (written.ok) this.#wrote(checkpoint);
    else this.#known = undefined;
  }

  async #headIsKeyed(): Promise<boolean> {
    const { db } = this.#deps;
    const h = head(db);
    const newest = h.seq > 0 ? eventAt(db, h.seq) : undefined;
    const binding = newest ? storedBinding(db, newest.runId) : null;
    return newest !== undefined && binding !== null && keyedValid(await this.#deps.linkKey(), newest, binding);
  }
}
