import type { JsonValue } from "../../schemas";
import type { Budget, StoreResult, Usage } from "./limits";
import { LIMITS, storeFail, storeOk, utf8Bytes } from "./limits";
import kvTable from "../../migrations/data-store/0000_kv.sql";

type Scalar = string | number | boolean | null;
type Row = Record<string, JsonValue>;

/** Thrown inside a transaction to undo it: a read that wrote, or a write over the quota. */
class Undo extends Error {}

/**
 * The SQL under one store, as `transactionSync` runs it: every operation is one SQLite transaction, so
 * a failed or refused write leaves nothing behind, and a read runs in a transaction that is always
 * rolled back, so "read-only" holds whatever the statement is. workerd already refuses what SQL could
 * use to reach outside the object (ATTACH, extensions, `_cf_` tables, BEGIN/COMMIT).
 */
export class StoreEngine {
  constructor(private readonly storage: DurableObjectStorage) {}

  get #sql(): SqlStorage {
    return this.storage.sql;
  }

  ensureKvTable(): void {
    this.#sql.exec(kvTable);
  }

  /** Bytes of the whole database and rows in the user's tables (or the kv table). */
  measure(): Usage {
    const tables = this.#sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
      .toArray();
    let rows = 0;
    for (const { name } of tables) rows += Number(this.#sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).one().n);
    return { bytes: this.#sql.databaseSize, rows };
  }

  /**
   * Runs `change` in one transaction, then measures: a write that grows the store beyond its budget
   * is undone and answers quota_exceeded (a write that shrinks an over-quota store is let through).
   */
  write<T>(before: Usage, budget: Budget, change: () => T): StoreResult<{ result: T; usage: Usage }> {
    let after: Usage = before;
    try {
      const result = this.storage.transactionSync(() => {
        const value = change();
        after = this.measure();
        const overBytes = after.bytes > before.bytes && after.bytes > budget.bytes;
        const overRows = after.rows > before.rows && after.rows > budget.rows;
        if (overBytes || overRows) throw new Undo(overRows ? "rows" : "bytes");
        return value;
      });
      return storeOk({ result, usage: after });
    } catch (error) {
      if (error instanceof Undo) {
        const what = error.message === "rows" ? `${after.rows} rows (this store may hold ${Math.max(0, budget.rows)})` : `${after.bytes} bytes (this store may hold ${Math.max(0, budget.bytes)})`;
        return storeFail("quota_exceeded", `the scope's storage quota would be exceeded: ${what}; nothing was written`);
      }
      return sqlFailure(error);
    }
  }

  /** A statement's rows, read in a transaction that is then undone, bounded in count and size. */
  read(sql: string, params: readonly Scalar[], limit: number): StoreResult<{ rows: Row[]; truncated: boolean }> {
    let out: { rows: Row[]; truncated: boolean } = { rows: [], truncated: false };
    try {
      this.storage.transactionSync(() => {
        out = collect(this.#sql.exec(sql, ...params), limit);
        throw new Undo("read");
      });
    } catch (error) {
      if (!(error instanceof Undo)) return sqlFailure(error);
    }
    return storeOk(out);
  }

  /** Runs a statement (or one per parameter list), inside the caller's transaction. */
  exec(sql: string, params: readonly Scalar[] | undefined, rows: readonly (readonly Scalar[])[] | undefined): { rowsWritten: number; rows: Row[] } {
    if (rows) {
      let written = 0;
      for (const list of rows) written += this.#sql.exec(sql, ...list).rowsWritten;
      return { rowsWritten: written, rows: [] };
    }
    const cursor = this.#sql.exec(sql, ...(params ?? []));
    const { rows: answered } = collect(cursor, 100);
    return { rowsWritten: cursor.rowsWritten, rows: answered };
  }

  kvGet(key: string): JsonValue | undefined {
    const row = this.#sql.exec<{ value: string }>("SELECT value FROM kv WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as JsonValue) : undefined;
  }

  kvPut(key: string, value: JsonValue): void {
    const text = JSON.stringify(value);
    this.#sql.exec(
      "INSERT INTO kv (key, value, bytes, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, bytes = excluded.bytes, updated_at = excluded.updated_at",
      key,
      text,
      utf8Bytes(text),
      Date.now(),
    );
  }

  kvDelete(key: string): boolean {
    return this.#sql.exec("DELETE FROM kv WHERE key = ?", key).rowsWritten > 0;
  }

  /** Keys in order from `prefix`, after `after`, each with its value. */
  kvList(prefix: string, after: string | undefined, limit: number): { items: Array<{ key: string; value: JsonValue }>; next: string | null } {
    const start = after !== undefined && after >= prefix ? after : null;
    const rows = this.#sql
      .exec<{ key: string; value: string }>(
        start === null
          ? "SELECT key, value FROM kv WHERE substr(key, 1, ?) = ? ORDER BY key LIMIT ?"
          : "SELECT key, value FROM kv WHERE substr(key, 1, ?) = ? AND key > ? ORDER BY key LIMIT ?",
        ...(start === null ? [prefix.length, prefix, limit + 1] : [prefix.length, prefix, start, limit + 1]),
      )
      .toArray();
    const page = rows.slice(0, limit).map((r) => ({ key: r.key, value: JSON.parse(r.value) as JsonValue }));
    return { items: page, next: rows.length > limit ? (page.at(-1)?.key ?? null) : null };
  }

  /** Rows whose text holds `text` (case-insensitive): kv keys and values, or every text column of every table. */
  search(text: string, limit: number, kind: "kv" | "sqlite"): Array<{ table: string; row: Row }> {
    const needle = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    if (kind === "kv") {
      return this.#sql
        .exec<{ key: string; value: string }>("SELECT key, value FROM kv WHERE key LIKE ?1 ESCAPE '\\' OR value LIKE ?1 ESCAPE '\\' ORDER BY key LIMIT ?2", needle, limit)
        .toArray()
        .map((r) => ({ table: "kv", row: { key: r.key, value: JSON.parse(r.value) as JsonValue } }));
    }
    const hits: Array<{ table: string; row: Row }> = [];
    const tables = this.#sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
      .toArray();
    for (const { name } of tables) {
      if (hits.length >= limit) break;
      const quoted = `"${name.replaceAll('"', '""')}"`;
      const columns = this.#sql.exec<{ name: string; type: string }>(`SELECT name, type FROM pragma_table_info(?)`, name).toArray();
      const texty = columns.filter((c) => c.type === "" || /char|clob|text/i.test(c.type));
      if (texty.length === 0) continue;
      const where = texty.map((c) => `"${c.name.replaceAll('"', '""')}" LIKE ?1 ESCAPE '\\'`).join(" OR ");
      const found = collect(this.#sql.exec(`SELECT * FROM ${quoted} WHERE ${where} LIMIT ?2`, needle, limit - hits.length), limit);
      for (const row of found.rows) hits.push({ table: name, row });
    }
    return hits;
  }
}

/** At most `limit` rows and LIMITS.readBytes of JSON; says whether more were left. */
function collect(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>, limit: number): { rows: Row[]; truncated: boolean } {
  const rows: Row[] = [];
  let bytes = 0;
  for (const raw of cursor) {
    if (rows.length >= limit) return { rows, truncated: true };
    const row: Row = {};
    for (const [k, v] of Object.entries(raw)) row[k] = v instanceof ArrayBuffer ? { $bytes: v.byteLength } : (v as JsonValue);
    bytes += JSON.stringify(row).length;
    if (bytes > LIMITS.readBytes) return { rows, truncated: true };
    rows.push(row);
  }
  return { rows, truncated: false };
}

function sqlFailure<T>(error: unknown): StoreResult<T> {
  const message = error instanceof Error ? error.message : String(error);
  return storeFail("sql_error", message.replace(/: SQLITE_[A-Z_]+$/, "").slice(0, 500));
}
