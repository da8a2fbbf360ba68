import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashValue } from "../../core/evidence";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { CredentialCapability, Run, RunStatus } from "../../schemas";
import type { AuthContext } from "../shared/auth-context";
import { HttpError } from "../shared/problem";
import { canSeeRun, cancelRun, decideRun } from "./approvals";

// Who may see, cancel and decide a Run (web/approvals.ts and /v1/runs share these rules). Each test
// uses its own org: storage is isolated per file, not per test.

type Who = { user: string; role?: "owner" | "member"; credential?: string; toolkit?: string | null; capabilities?: CredentialCapability[] };

function person(org: string, who: Who): AuthContext {
  const { user, role = "member", credential = `ses_${user}`, toolkit = null, capabilities = ["approve", "manage-keys"] } = who;
  return {
    identity: { user: { id: user, email: `${user}@example.com`, createdAt: 0 }, org: { id: org, name: org, createdAt: 0 }, role },
    grant: { toolkit, capabilities },
    principal: {
      kind: credential.startsWith("ses_") ? "session" : "api_key",
      credentialId: credential,
      userId: user,
      orgId: org,
      chain: [
        { id: org, kind: "org" },
        { id: user, kind: "user" },
      ],
      narrowings: toolkit === null ? [] : [{ label: toolkit, tools: [], patterns: ["*.*.*.*"] }],
    },
  };
}

const ALICE = "user_alice00001";
const BOB = "user_bob0000001";
const OWNER = "user_owner00001";

/** A Run Alice made with her key `key_alice`, in the given state. */
async function aliceRun(org: string, status: RunStatus): Promise<Run> {
  const ledger = runLedger(env.RUN_LEDGER, org);
  const args = { petId: 1 };
  const initial = status === "queued" ? "pending_approval" : status;
  const recorded = await ledger.record({
    run: {
      parentRunId: null,
      surface: "http",
      principal: { kind: "api_key", credentialId: "key_alice", userId: ALICE },
      scopeChain: [org, ALICE],
      capabilities: [],
      address: `pets.${org}.work.deletePet`,
      toolHash: "a".repeat(64),
      artifactVersion: null,
      admission: {
        outcome: initial === "pending_approval" ? "require_approval" : "admit",
        reason: { code: initial === "pending_approval" ? "approval_required_by_default" : "allowed_by_default", message: "test" },
        rule: { kind: "default", action: initial === "pending_approval" ? "require_approval" : "approve" },
        decidingScope: org,
      },
      policyVersion: "v1",
      inputHash: await hashValue(args),
      output: null,
      status: initial,
      createdAt: Date.now(),
      startedAt: initial === "running" ? Date.now() : null,
      finishedAt: null,
      approvals: [],
      retries: 0,
      error: null,
      localEgress: false,
      sandbox: null,
    },
    args,
    idempotencyKey: null,
  });
  if (!recorded.ok) throw new Error(recorded.error.message);
  if (status !== "queued") return recorded.value.run;
  const approvals = [{ decision: "approve" as const, by: OWNER, at: Date.now() }];
  const queued = await ledger.transition(recorded.value.run.id, { status: "queued", approvals }, ["pending_approval"]);
  if (!queued.ok) throw new Error(queued.error.message);
  return queued.value;
}

async function refusal(pending: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await pending;
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

async function statusOf(org: string, id: string): Promise<RunStatus> {
  const found = await runLedger(env.RUN_LEDGER, org).get(id);
  if (!found.ok) throw new Error(found.error.message);
  return found.value.run.status;
}

describe("cancelling a Run", () => {
  it("refuses to cancel a running Run: 409 naming the state to its caller and an owner, 404 to a member who may not see it", async () => {
    const org = "org_cancel_running";
    const run = await aliceRun(org, "running");
    for (const who of [{ user: ALICE }, { user: OWNER, role: "owner" as const }]) {
      const refused = await refusal(cancelRun(env, person(org, who), run.id));
      expect(refused.status, who.user).toBe(409);
      expect(refused.message).toContain("is running");
    }
    // Another member of the deciding scope does not see an admitted Run (canSeeRun), so learns nothing of it.
    expect(await refusal(cancelRun(env, person(org, { user: BOB }), run.id))).toEqual({ status: 404, message: `no run '${run.id}'` });
    expect(await statusOf(org, run.id)).toBe("running");
  });

  it("lets another member entitled to decide cancel a pending Run, but not with a key lacking the approve capability", async () => {
    const org = "org_cancel_pending";
    const run = await aliceRun(org, "pending_approval");
    const keyOnly = await refusal(cancelRun(env, person(org, { user: BOB, credential: "key_bob", capabilities: [] }), run.id));
    expect(keyOnly.status).toBe(403);
    expect(keyOnly.message).toContain("approve capability");
    expect(await statusOf(org, run.id)).toBe("pending_approval");
    expect((await cancelRun(env, person(org, { user: BOB }), run.id)).status).toBe("cancelled");
  });

  it("lets only the caller cancel a queued (approved) Run", async () => {
    const org = "org_cancel_queued";
    const run = await aliceRun(org, "queued");
    const owner = await refusal(cancelRun(env, person(org, { user: OWNER, role: "owner" }), run.id));
    expect(owner.status).toBe(403);
    expect(await statusOf(org, run.id)).toBe("queued");
    expect((await cancelRun(env, person(org, { user: ALICE }), run.id)).status).toBe("cancelled");
  });

  it("lets a toolkit-bound credential cancel only the Runs it made itself (another's answers 404)", async () => {
    const org = "org_cancel_bound";
    const run = await aliceRun(org, "pending_approval");
    const otherKey = await refusal(cancelRun(env, person(org, { user: ALICE, credential: "key_other", toolkit: `${org}/kit` }), run.id));
    expect(otherKey.status).toBe(404);
    expect((await cancelRun(env, person(org, { user: ALICE, credential: "key_alice", toolkit: `${org}/kit` }), run.id)).status).toBe("cancelled");
  });
});

describe("deciding a Run", () => {
  it("needs the approve capability: a key without it cannot deny, a person's session can", async () => {
    const org = "org_decide_capability";
    const run = await aliceRun(org, "pending_approval");
    const key = await refusal(decideRun(env, person(org, { user: OWNER, role: "owner", credential: "key_owner", capabilities: ["manage-keys"] }), run.id, "deny", undefined));
    expect(key.status).toBe(403);
    expect(key.message).toContain("a person's sign-in, or an API key an owner granted the approve capability");
    expect(await statusOf(org, run.id)).toBe("pending_approval");
    const denied = await decideRun(env, person(org, { user: OWNER, role: "owner" }), run.id, "deny", undefined);
    expect(denied.run.status).toBe("denied");
  });
});

describe("seeing a Run", () => {
  it("shows a pending Run to members entitled to decide it, and after the decision only to the caller and owners", async () => {
    const org = "org_see";
    const run = await aliceRun(org, "pending_approval");
    const carol = "user_carol00001";
    expect(canSeeRun(person(org, { user: BOB }), run)).toBe(true);
    expect(canSeeRun(person(org, { user: carol }), run)).toBe(true);
    const denied = (await decideRun(env, person(org, { user: BOB }), run.id, "deny", undefined)).run;
    expect(canSeeRun(person(org, { user: ALICE }), denied)).toBe(true);
    expect(canSeeRun(person(org, { user: OWNER, role: "owner" }), denied)).toBe(true);
    expect(canSeeRun(person(org, { user: carol }), denied)).toBe(false);
    // Deciding never entitled the decider to the record (it carries the call's output, once run).
    expect(canSeeRun(person(org, { user: BOB }), denied)).toBe(false);
    // An owner's toolkit-bound credential sees only its own Runs.
    expect(canSeeRun(person(org, { user: OWNER, role: "owner", credential: "key_owner", toolkit: `${org}/kit` }), denied)).toBe(false);
  });
});
