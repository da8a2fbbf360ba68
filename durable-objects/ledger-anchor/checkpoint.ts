import { LEDGER_ANCHOR_KEY_LABEL, deriveOrgMacKey, macHex, macValid } from "../../core/evidence";
import type { LedgerCheckpoint, LedgerCheckpointBody } from "../../schemas";

/** The org's checkpoint key: HKDF of the Worker secret under its own label (never the vault key itself). */
export function anchorKey(secretBase64: string, orgId: string): Promise<CryptoKey> {
  return deriveOrgMacKey(secretBase64, LEDGER_ANCHOR_KEY_LABEL, orgId);
}

/** The MAC covers every field, tagged so it can never be mistaken for a ledger link. */
function message(body: LedgerCheckpointBody): object {
  return { kind: "ledger-checkpoint", org: body.org, seq: body.seq, head: body.head, keyedFrom: body.keyedFrom, at: body.at };
}

export async function signCheckpoint(key: CryptoKey, body: LedgerCheckpointBody): Promise<LedgerCheckpoint> {
  return { ...body, mac: await macHex(key, message(body)) };
}

export function checkpointAuthentic(key: CryptoKey, checkpoint: LedgerCheckpoint): Promise<boolean> {
  return macValid(key, message(checkpoint), checkpoint.mac);
}
