import { describe, expect, it } from "vitest";
import { RunStatus } from "../../schemas/run";
import { INITIAL_STATUSES, canTransition, isTerminal } from "./index";

describe("run state machine", () => {
  it("lets an approved call reach running only through queued", () => {
    expect(canTransition("pending_approval", "running")).toBe(false);
    expect(canTransition("pending_approval", "queued")).toBe(true);
    expect(canTransition("queued", "running")).toBe(true);
  });

  it("never leaves a terminal state", () => {
    for (const from of RunStatus.options.filter(isTerminal)) {
      for (const to of RunStatus.options) expect(canTransition(from, to)).toBe(false);
    }
  });

  it("never returns to pending_approval or queued once running", () => {
    expect(canTransition("running", "queued")).toBe(false);
    expect(canTransition("running", "pending_approval")).toBe(false);
  });

  it("never cancels a running Run: once handed to the upstream it ends as what happened", () => {
    expect(canTransition("running", "cancelled")).toBe(false);
    expect(canTransition("running", "succeeded")).toBe(true);
    expect(canTransition("running", "failed")).toBe(true);
    expect(canTransition("pending_approval", "cancelled")).toBe(true);
    expect(canTransition("queued", "cancelled")).toBe(true);
  });

  it("creates Runs only in states a call can start in", () => {
    expect(INITIAL_STATUSES).not.toContain("denied");
    expect(INITIAL_STATUSES).not.toContain("cancelled");
  });
});
