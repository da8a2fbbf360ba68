import type { Output } from "./context";

/** Results on stdout (JSON with --json), everything else on stderr, so `--json` output always parses. */
export function makeOutput(json: boolean): Output {
  return {
    json,
    result(value: unknown, human?: (value: unknown) => string): void {
      const text = json || !human ? JSON.stringify(value, null, 2) : human(value);
      if (text !== "") process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    info(message: string): void {
      process.stderr.write(`${message}\n`);
    },
  };
}

/** A plain text table: a header row and left-aligned columns, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return "(none)";
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** A record as typed from an untyped JSON answer (the server's shapes are checked by its own schemas). */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asList(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.map(asRecord) : [];
}

export function str(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
