import type { Invitation } from "../../../schemas";
import type { Outgoing } from "./outbox";

/** Plain-text messages: nothing in them is rendered, so nothing in them can inject markup. */

export function verifyEmailMessage(to: string, link: string, ttlHours: number): Outgoing {
  return {
    to,
    subject: "Confirm your email for Executor",
    text: [
      "Someone (hopefully you) started creating an Executor account with this address.",
      "",
      `Confirm it and finish signing up: ${link}`,
      "",
      `The link works once and expires in ${ttlHours} hours. If you did not ask for this, ignore this message: no account is created.`,
    ].join("\n"),
  };
}

export function alreadyRegisteredMessage(to: string, loginUrl: string): Outgoing {
  return {
    to,
    subject: "You already have an Executor account",
    text: [
      "Someone tried to create an Executor account with this address, but it already has one.",
      "",
      `Log in instead: ${loginUrl}`,
      "",
      "If this was not you, you can ignore this message; nothing was changed.",
    ].join("\n"),
  };
}

export function invitationMessage(to: string, invite: Pick<Invitation, "orgName" | "role" | "invitedBy">, link: string, ttlDays: number): Outgoing {
  return {
    to,
    subject: `You are invited to ${invite.orgName.replace(/[\r\n]+/g, " ").slice(0, 100)} on Executor`,
    text: [
      `${invite.invitedBy} invited you to join the organization "${invite.orgName}" on Executor as ${invite.role === "owner" ? "an owner" : "a member"}.`,
      "",
      `Accept the invitation: ${link}`,
      "",
      `The link works once and expires in ${ttlDays} days. It only works for this address (${to}).`,
    ].join("\n"),
  };
}
