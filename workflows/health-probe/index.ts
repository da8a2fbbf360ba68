import { WorkflowEntrypoint } from "cloudflare:workers";
import type { WorkflowEvent, WorkflowStep } from "cloudflare:workers";

import type { HealthProbeParams } from "../../schemas";
export type HealthProbeOutput = { echoed: string; steps: number };

/**
 * The liveness workflow behind `/healthz`: two durable steps, the second reading the first's
 * persisted output, prove the Workflows engine creates, runs and reports instances.
 */
export class HealthProbeWorkflow extends WorkflowEntrypoint<unknown, HealthProbeParams> {
  override async run(event: Readonly<WorkflowEvent<HealthProbeParams>>, step: WorkflowStep): Promise<HealthProbeOutput> {
    const first = await step.do("receive nonce", async () => ({ nonce: event.payload.nonce }));
    return step.do("echo nonce", async () => ({ echoed: first.nonce, steps: 2 }));
  }
}
