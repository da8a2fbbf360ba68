import type { Output } from "./context";

/**
 * Text that came from a server (or a browser redirect) made safe for a terminal: C0 and C1 control
 * characters (ESC, CR, BEL, CSI…) removed, so an answer can neither move the cursor nor recolour or
 * retitle the terminal nor forge lines. `multiline` keeps \n (and only it) where a block of lines is
 * intended; otherwise every run of whitespace and controls becomes one space.
 */
export function clean(text: string, multiline = false): string {
  if (multiline) return text.replace(/\r\n?/g, "\n").replace(/\t/g, " ").replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, "");
  return text.replace(/\s*[\r\n\t]+\s*/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
}

/** JSON.stringify escapes C0 controls but not C1 (U+0080–U+009F, e.g. CSI): escape those too. */
const jsonText = (value: unknown): string => JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Results on stdout (JSON with --json), everything else on stderr, so `--json` output always parses. */
export function makeOutput(json: boolean): Output {
  return {
    json,
    result(value: unknown, human?: (value: unknown) => string): void {
      // Human output is multi-line by design (tables, records); any server text in it is cleaned here.
      const text = json || !human ? jsonText(value) : clean(human(value), true);
      if (text !== "") process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    info(message: string): void {
      process.stderr.write(`${clean(message, true)}\n`);
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

/** A field of a server answer for human output: one line, no control characters. */
export function str(value: unknown): string {
  if (value === null || value === undefined) return "";
  return clean(typeof value === "string" ? value : JSON.stringify(value));
}
