import type { HmacSha256Key } from "../../core/evidence";
import { LEDGER_ANCHOR_KEY_LABEL, deriveOrgHmacKey, macHexSync, macValidSync } from "../../core/evidence";
import type { LedgerCheckpoint, LedgerCheckpointBody } from "../../schemas";

/** The org's checkpoint key: HKDF of the Worker secret under its own label (never the vault key itself). */
export function anchorKey(secretBase64: string, orgId: string): Promise<HmacSha256Key> {
  return deriveOrgHmacKey(secretBase64, LEDGER_ANCHOR_KEY_LABEL, orgId);
}

/** The MAC covers every field, tagged so it can never be mistaken for a ledger link. */
function message(body: LedgerCheckpointBody): object {
  return { kind: "ledger-checkpoint", org: body.org, seq: body.seq, head: body.head, keyedFrom: body.keyedFrom, at: body.at };
}

export async function signCheckpoint(key: HmacSha256Key, body: LedgerCheckpointBody): Promise<LedgerCheckpoint> {
  return { ...body, mac: macHexSync(key, message(body)) };
}

export async function checkpointAuthentic(key: HmacSha256Key, checkpoint: LedgerCheckpoint): Promise<boolean> {
  return macValidSync(key, message(checkpoint), checkpoint.mac);
}
