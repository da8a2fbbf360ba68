import { DurableObject } from "cloudflare:workers";
import { Cron } from "croner";
import type { JsonObject, JsonValue, WorkflowDefinition } from "../../schemas";

/** The authority a workflow runs with: its author's, captured at deploy (like an authored tool's). */
export type WorkflowAuthor = {
  userId: string;
  orgId: string;
  capabilities: string[];
  narrowings: JsonValue[];
  /** The toolkit the deploying credential was bound to (a bound author stays bound: never whole authority). */
  toolkit: string | null;
  /** The API key that deployed it, to be found live at every step (null: a person's sign-in, live while a member). */
  apiKey: { id: string; hash: string; shard: number | null } | null;
};

export type LiveWorkflowEntry = {
  name: string;
  file: string;
  definition: WorkflowDefinition;
  /** sha256 of the definition as deployed: what its Runs record as their artifact version, with the commit. */
  hash: string;
  commit: string;
  author: WorkflowAuthor;
  sideEffects: Array<"read" | "write" | "destructive" | "code">;
  /**
   * The webhook's public id (in its URL); its signing secret is derived from it by the gateway
   * (HKDF of the vault key), so neither this object nor any record holds the secret.
   */
  webhookId: string | null;
};

/** What a trigger did, newest first (at most 50 kept per workflow). */
export type Firing = { at: number; kind: "cron" | "webhook" | "manual"; outcome: "started" | "skipped"; reason?: string; instanceId?: string };
export type TriggerState = { nextAt: number | null; failures: number; backoffUntil: number; running: { instanceId: string; since: number } | null; firings: Firing[] };

/** A running instance older than this no longer blocks the next firing (it is presumed lost). */
const STALE_MS = 6 * 3_600_000;
const MAX_BACKOFF_MS = 24 * 3_600_000;
/** How long a webhook signature is remembered: twice the timestamp tolerance, so no replay passes. */
const REPLAY_WINDOW_MS = 600_000;
/** How often instances marked running are nudged (see #wake). */
const WAKE_MS = 15_000;

export function nextFire(def: WorkflowDefinition, after: number): number | null {
  if (!def.triggers.cron) return null;
  const next = new Cron(def.triggers.cron, { paused: true, timezone: def.triggers.timezone }).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

/**
 * The workflows live in one scope and their triggers' state (one instance per scope, key-value
 * storage only). Its alarm is the earliest cron firing; the gateway's dev clock can also ask it to
 * fire what is due at a given time, so schedules are tested without waiting.
 */
export class WorkflowRegistry extends DurableObject<{ USER_WORKFLOWS?: Workflow<JsonObject> }> {
  list(): LiveWorkflowEntry[] {
    return [...this.ctx.storage.kv.list<LiveWorkflowEntry>({ prefix: "wf:" })].map(([, v]) => v);
  }

  get(name: string): { workflow: LiveWorkflowEntry; state: TriggerState } | null {
    const workflow = this.ctx.storage.kv.get<LiveWorkflowEntry>(`wf:${name}`);
    return workflow ? { workflow, state: this.#state(name) } : null;
  }

  /** The author recorded for a definition hash the first time it was deployed (later deploys only narrow it). */
  authorOf(hash: string): WorkflowAuthor | null {
    return this.ctx.storage.kv.get<WorkflowAuthor>(`author:${hash}`) ?? null;
  }

  #state(name: string): TriggerState {
    return this.ctx.storage.kv.get<TriggerState>(`trigger:${name}`) ?? { nextAt: null, failures: 0, backoffUntil: 0, running: null, firings: [] };
  }

  /** Replaces the live set with a deploy's; a workflow whose schedule did not change keeps its next firing. */
  async deploy(scope: string, entries: LiveWorkflowEntry[], now: number): Promise<void> {
    if (!this.ctx.storage.kv.get("scope")) this.ctx.storage.kv.put("scope", scope);
    const keep = new Set(entries.map((e) => e.name));
    for (const old of this.list()) {
      if (!keep.has(old.name)) {
        this.ctx.storage.kv.delete(`wf:${old.name}`);
        this.ctx.storage.kv.delete(`trigger:${old.name}`);
      }
    }
    for (const entry of entries) {
      const before = this.ctx.storage.kv.get<LiveWorkflowEntry>(`wf:${entry.name}`);
      const state = this.#state(entry.name);
      const sameSchedule = before && before.definition.triggers.cron === entry.definition.triggers.cron && before.definition.triggers.timezone === entry.definition.triggers.timezone;
      this.ctx.storage.kv.put(`wf:${entry.name}`, entry);
      this.ctx.storage.kv.put(`trigger:${entry.name}`, { ...state, nextAt: sameSchedule && state.nextAt !== null ? state.nextAt : nextFire(entry.definition, now) });
      if (!this.ctx.storage.kv.get(`author:${entry.hash}`)) this.ctx.storage.kv.put(`author:${entry.hash}`, entry.author);
    }
    await this.#arm();
  }

  /**
   * Records a firing and answers whether to start an instance: not while the last one still runs
   * (firings do not pile up), and not while backing off after failures (1, 2, 4 … minutes, at most
   * a day). A cron firing also moves the schedule to its next time.
   */
  fire(name: string, kind: Firing["kind"], now: number, instanceId: string, nonce?: string): { start: boolean; reason?: string } {
    const entry = this.ctx.storage.kv.get<LiveWorkflowEntry>(`wf:${name}`);
    if (!entry) return { start: false, reason: "no such workflow" };
    if (nonce !== undefined) {
      // A signed webhook request is accepted once: its signature is remembered while its timestamp could still pass.
      for (const [key, at] of this.ctx.storage.kv.list<number>({ prefix: "seen:" })) if (now - at > REPLAY_WINDOW_MS) this.ctx.storage.kv.delete(key);
      if (this.ctx.storage.kv.get(`seen:${nonce}`) !== undefined) return { start: false, reason: "this signed request was already received" };
      this.ctx.storage.kv.put(`seen:${nonce}`, now);
    }
    const state = this.#state(name);
    if (kind === "cron") state.nextAt = nextFire(entry.definition, now);
    let reason: string | undefined;
    if (state.running && now - state.running.since < STALE_MS) reason = `the previous run (${state.running.instanceId}) is still running`;
    else if (kind !== "manual" && state.backoffUntil > now) reason = `backing off after ${state.failures} failed run${state.failures === 1 ? "" : "s"} until ${new Date(state.backoffUntil).toISOString()}`;
    const firing: Firing = reason ? { at: now, kind, outcome: "skipped", reason } : { at: now, kind, outcome: "started", instanceId };
    if (!reason) state.running = { instanceId, since: now };
    state.firings = [firing, ...state.firings].slice(0, 50);
    this.ctx.storage.kv.put(`trigger:${name}`, state);
    if (!reason) void this.#arm();
    return reason ? { start: false, reason } : { start: true };
  }

  /** An instance could not be created after all: it is not running. */
  unstarted(name: string, instanceId: string): void {
    const state = this.#state(name);
    if (state.running?.instanceId === instanceId) this.ctx.storage.kv.put(`trigger:${name}`, { ...state, running: null });
  }

  /** An instance ended: failures back the trigger off, a success resets it. */
  finished(name: string, instanceId: string, succeeded: boolean, now: number): void {
    const state = this.#state(name);
    if (state.running?.instanceId === instanceId) state.running = null;
    state.failures = succeeded ? 0 : state.failures + 1;
    state.backoffUntil = succeeded ? 0 : now + Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** (state.failures - 1));
    this.ctx.storage.kv.put(`trigger:${name}`, state);
  }

  /** Cron workflows due at `now` (their firing is up to the caller, which starts the instances). */
  due(now: number): string[] {
    return this.list()
      .filter((w) => {
        const next = this.#state(w.name).nextAt;
        return next !== null && next <= now;
      })
      .map((w) => w.name);
  }

  /** The next alarm: the earliest cron firing, or sooner while an instance runs (to wake it after a restart). */
  async #arm(): Promise<void> {
    const states = this.list().map((w) => this.#state(w.name));
    const times = states.map((s) => s.nextAt).filter((t): t is number => t !== null);
    if (states.some((s) => s.running)) times.push(Date.now() + WAKE_MS);
    if (times.length === 0) return this.ctx.storage.deleteAlarm();
    await this.ctx.storage.setAlarm(Math.min(...times));
  }

  /** Fires every cron workflow due at `now`: the alarm with the real time, the dev clock with a chosen one. */
  async tick(now: number): Promise<string[]> {
    const scope = this.ctx.storage.kv.get<string>("scope");
    const started = scope ? await fireDue(this.env, this, scope, now) : [];
    await this.#arm();
    return started;
  }

  /**
   * Nudges instances still marked running. An instance whose platform was killed mid-step does not
   * resume by itself in local Workflows until it receives an event; an instance that is running
   * ignores it, so the nudge is harmless anywhere. One that ended without reporting is cleared.
   */
  async #wake(now: number): Promise<void> {
    if (!this.env.USER_WORKFLOWS) return;
    for (const w of this.list()) {
      const state = this.#state(w.name);
      if (!state.running || now - state.running.since < WAKE_MS) continue;
      try {
        const instance = await this.env.USER_WORKFLOWS.get(state.running.instanceId);
        const { status } = await instance.status();
        if (status === "complete" || status === "errored" || status === "terminated") this.finished(w.name, state.running.instanceId, status === "complete", now);
        else await instance.sendEvent({ type: "wake", payload: {} });
      } catch {
        // no such instance: it never started
        this.unstarted(w.name, state.running.instanceId);
      }
    }
  }

  override async alarm(): Promise<void> {
    await this.#wake(Date.now());
    await this.tick(Date.now());
  }
}

/** Starts an instance for each cron workflow due at `now` (the alarm, or the dev clock). */
async function fireDue(env: { USER_WORKFLOWS?: Workflow<JsonObject> }, registry: Pick<WorkflowRegistry, "due" | "fire" | "unstarted">, scope: string, now: number): Promise<string[]> {
  const started: string[] = [];
  for (const name of registry.due(now)) {
    const instanceId = `wf-${crypto.randomUUID()}`;
    const decision = registry.fire(name, "cron", now, instanceId);
    if (!decision.start || !env.USER_WORKFLOWS) continue;
    try {
      await env.USER_WORKFLOWS.create({ id: instanceId, params: { scope, name, trigger: { kind: "cron", payload: null, firedAt: new Date(now).toISOString() } } });
      started.push(instanceId);
    } catch {
      registry.unstarted(name, instanceId);
    }
  }
  return started;
}
