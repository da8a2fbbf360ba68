import { WorkflowEntrypoint } from "cloudflare:workers";
import type { WorkflowEvent, WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { ApprovalParams, DecisionEvent, RunStatus } from "../../schemas";
import { DECISION_EVENT } from "../../schemas";
import { READ_RETRIES, executeApproved } from "../../workers/invoke/approved";
import type { Env } from "../../workers/shared/env";

/**
 * One instance per gated Run (instance id = run id). It waits durably for a decision — surviving
 * restarts of the whole platform — then executes the approved call as a retried step, or records
 * that the Run expired. The decision itself is taken in the run ledger (one winner); this only acts
 * on it, so a duplicated event can never run the call twice.
 */
export class ApprovalWorkflow extends WorkflowEntrypoint<Env, ApprovalParams> {
  override async run(event: Readonly<WorkflowEvent<ApprovalParams>>, step: WorkflowStep): Promise<{ status: RunStatus }> {
    const outcome = await this.#decide(event, step);
    // A workflow step waits on this Run: tell it (it also re-reads the Run itself now and then, so a
    // lost event only delays it).
    const notify = event.payload.notify;
    if (notify && this.env.USER_WORKFLOWS) {
      await step.do("notify the waiting workflow", async () => {
        try {
          const instance = await this.env.USER_WORKFLOWS!.get(notify.instance);
          await instance.sendEvent({ type: notify.event, payload: outcome });
        } catch {
          // the workflow is gone: nothing waits
        }
      });
    }
    return outcome;
  }

  async #decide(event: Readonly<WorkflowEvent<ApprovalParams>>, step: WorkflowStep): Promise<{ status: RunStatus }> {
    const { orgId, runId, timeoutSeconds } = event.payload;
    let decision: DecisionEvent["decision"];
    try {
      const received = await step.waitForEvent<DecisionEvent>("await decision", { type: DECISION_EVENT, timeout: timeoutSeconds * 1000 });
      decision = received.payload.decision;
    } catch {
      // The wait timed out: the Run expires, unless an approval raced in just before (the ledger
      // says queued), in which case it still runs below.
      const after = await step.do("expire run", async () => {
        const ledger = runLedger(this.env.RUN_LEDGER, orgId);
        const expired = await ledger.transition(runId, { status: "expired", finishedAt: Date.now() }, ["pending_approval"]);
        if (expired.ok) return { status: expired.value.status };
        const current = await ledger.get(runId);
        return { status: current.ok ? current.value.run.status : ("expired" as RunStatus) };
      });
      if (after.status !== "queued") return after;
      decision = "approve";
    }
    if (decision !== "approve") return { status: decision === "deny" ? "denied" : "cancelled" };
    return step.do(
      "execute approved call",
      { retries: { limit: READ_RETRIES, delay: "2 seconds", backoff: "exponential" }, timeout: "10 minutes" },
      async () => {
        const outcome = await executeApproved(this.env, orgId, runId);
        // Only a read tool's transient failure comes back for another attempt.
        if (outcome.retry) throw new Error(`transient upstream failure for ${runId}; retrying`);
        if (outcome.status === "pending_approval") throw new NonRetryableError("run was never approved");
        return { status: outcome.status };
      },
    );
  }
}
