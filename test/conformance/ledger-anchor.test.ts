import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evidenceHash, hashValue } from "../../core/evidence";
import { client, signUpWithKey } from "../e2e/api";
import type { Platform } from "../e2e/platform";
import { freePort, removeDataDir, startPlatform, tempDataDir } from "../e2e/platform";
import { startPetstore } from "../e2e/upstreams/petstore";

// Finding 13 against the real platform: stop it, edit its run ledgers' SQLite files the way anyone with
// access to the data folder (but not the Worker secret) could, start it again on the same data, and ask
// GET /v1/runs/verify. Each org suffers one attack; a fourth is left alone and must still verify.

type Org = { name: string; orgId: string; api: ReturnType<typeof client>; runIds: string[] };
type Verification = { ok: boolean; events: number; code?: string; brokenAt?: { seq: number | null }; anchor?: { seq: number } | null; unanchored?: number };

const dataDir = tempDataDir();
let port = 0;
let platform: Platform | undefined;
let pets: Awaited<ReturnType<typeof startPetstore>>;
const orgs = new Map<string, Org>();

/** Every SQLite file of a RunLedger object under the data folder, by the Run ids it holds. */
function ledgerFiles(): { path: string; runIds: string[] }[] {
  const found: { path: string; runIds: string[] }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".sqlite")) {
        const db = new DatabaseSync(path, { readOnly: true });
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => String(t.name));
        if (tables.includes("events") && tables.includes("runs")) found.push({ path, runIds: db.prepare("SELECT id FROM runs").all().map((r) => String(r.id)) });
        db.close();
      }
    }
  };
  walk(dataDir);
  return found;
}

function ledgerFileOf(org: Org): string {
  const file = ledgerFiles().find((f) => org.runIds.every((id) => f.runIds.includes(id)));
  if (!file) throw new Error(`no ledger file holds ${org.name}'s Runs`);
  return file.path;
}

/** What the pre-fix attacker did: edit a record, then recompute the whole chain with the unkeyed hash. */
async function rewriteWithUnkeyedHash(path: string): Promise<void> {
  const db = new DatabaseSync(path);
  db.prepare("UPDATE runs SET record = json_set(record, '$.capabilities', json('[\"forged\"]')) WHERE seq = 2").run();
  const events = db.prepare("SELECT seq, run_id, status, at FROM events ORDER BY seq").all();
  let prev: string | null = null;
  for (const e of events) {
    const row = db.prepare("SELECT record FROM runs WHERE id = ?").get(String(e.run_id));
    const { prevHash: _p, evidenceHash: _e, ...body } = JSON.parse(String(row?.record)) as Record<string, unknown>;
    const recordHash = await hashValue(body);
    const hash = await evidenceHash(prev, { runId: e.run_id, status: e.status, at: e.at, recordHash });
    db.prepare("UPDATE events SET record_hash = ?, prev_hash = ?, hash = ? WHERE seq = ?").run(recordHash, prev, hash, Number(e.seq));
    db.prepare("UPDATE runs SET record = json_set(record, '$.prevHash', ?, '$.evidenceHash', ?) WHERE id = ?").run(prev, hash, String(e.run_id));
    prev = hash;
  }
  db.close();
}

function truncateNewestRun(path: string): void {
  const db = new DatabaseSync(path);
  db.exec("DELETE FROM events WHERE run_id = (SELECT id FROM runs ORDER BY seq DESC LIMIT 1)");
  db.exec("DELETE FROM runs WHERE seq = (SELECT max(seq) FROM runs)");
  db.close();
}

function deleteFile(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) if (existsSync(path + suffix)) rmSync(path + suffix);
}

async function verify(org: Org): Promise<Verification> {
  const res = await org.api.get("/v1/runs/verify");
  expect(res.status, res.text).toBe(200);
  return res.body as Verification;
}

beforeAll(async () => {
  port = await freePort();
  [platform, pets] = await Promise.all([startPlatform({ dataDir, port }), startPetstore()]);
  for (const name of ["rewrite", "truncate", "wipe", "control"]) {
    const account = await signUpWithKey(platform.baseUrl, `ledger-${name}@example.com`);
    const api = client(platform.baseUrl, account.key);
    expect((await api.post("/v1/sources", { slug: "pets", kind: "openapi", config: { url: `${pets.url}/openapi.json` }, local: true })).status).toBe(201);
    expect((await api.post("/v1/connections", { source: "pets", name: "work", secret: "ledger-anchor-secret" })).status).toBe(201);
    const runIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.post("/v1/call", { address: `pets.${account.orgId}.work.listPets`, arguments: { limit: 1 } });
      expect(res.status, res.text).toBe(200);
      runIds.push(String((res.body.run as { id: string }).id));
    }
    orgs.set(name, { name, orgId: account.orgId, api, runIds });
  }
});

afterAll(async () => {
  await Promise.all([platform?.stop(), pets?.close()]);
  removeDataDir(dataDir);
});

const org = (name: string): Org => {
  const found = orgs.get(name);
  if (!found) throw new Error(`no org ${name}`);
  return found;
};

describe("the run ledger's anchor, against edits of the platform's stored files", () => {
  it("verifies every untouched ledger, each anchored at its head", async () => {
    for (const name of orgs.keys()) expect(await verify(org(name))).toMatchObject({ ok: true, events: 6, anchor: { seq: 6 }, unanchored: 0 });
  });

  it("detects, after a restart, a rewrite recomputed with the unkeyed hash, a cut tail and a deleted ledger", async () => {
    await platform?.stop();
    await rewriteWithUnkeyedHash(ledgerFileOf(org("rewrite")));
    truncateNewestRun(ledgerFileOf(org("truncate")));
    deleteFile(ledgerFileOf(org("wipe")));
    platform = await startPlatform({ dataDir, port });

    expect(await verify(org("rewrite"))).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 1 } });
    expect(await verify(org("truncate"))).toMatchObject({ ok: false, events: 4, code: "truncated", brokenAt: { seq: 5 } });
    expect(await verify(org("wipe"))).toMatchObject({ ok: false, events: 0, code: "truncated", brokenAt: { seq: 1 } });
    expect(await verify(org("control"))).toMatchObject({ ok: true, events: 6, anchor: { seq: 6 } });
  });

  it("keeps reporting the cut tail after new calls, without moving the anchor past it", async () => {
    const victim = org("truncate");
    for (let i = 0; i < 2; i++) expect((await victim.api.post("/v1/call", { address: `pets.${victim.orgId}.work.listPets`, arguments: { limit: 1 } })).status).toBe(200);
    expect(await verify(victim)).toMatchObject({ ok: false, events: 8, code: "diverged", brokenAt: { seq: 6 } });
  });
});
