/**
 * Comments in generated TypeScript. Descriptions, formats and defaults come from imported specs and
 * upstream servers: a comment must end where we end it (TypeScript ends a block comment at the first
 * star-slash, ECMAScript 2023 §12.4), so nothing inside one can become code, and what it shows is what it
 * holds (no control or bidi characters: CVE-2021-42574 "Trojan Source").
 */

// C0 controls except \t and \n, DEL, C1 controls, and the bidi embedding/override/isolate marks.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text for a comment: line breaks normalized (U+2028/U+2029 are line terminators, ECMAScript 2023
 * §12.3), controls removed, trimmed and cut to `max` characters without splitting a surrogate pair.
 * Not yet safe: the escape happens once, on each finished line, where comments are written.
 */
export function commentText(text: string, max: number): string {
  let clean = text.replace(/\r\n?|[\u2028\u2029]/g, "\n").replace(CONTROL, "").trim();
  if (clean.length > max) {
    let cut = Math.max(0, max - 1);
    const code = clean.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    clean = `${clean.slice(0, cut)}…`;
  }
  return clean;
}

/**
 * One finished line made safe: controls and line terminators gone, every star-slash broken by a
 * backslash. Applied to the whole line, never to pieces of it: a piece ending in `*` followed by
 * one starting with `/` would otherwise close the comment. The escape only inserts `\`, so it
 * cannot form a new star-slash, and the comment's own delimiters are set off by spaces.
 */
function safeLine(line: string): string {
  return line.replace(/[\n\r\u2028\u2029]/g, " ").replace(CONTROL, "").replace(/\*\//g, "*\\/");
}

/** An inline block comment on one line (a type's note: why it is `unknown`). */
export function inlineComment(note: string, max: number): string {
  return `/* ${safeLine(commentText(note, max).replace(/\s+/g, " "))} */`;
}

/**
 * A JSDoc block for `lines` at `indent`, ending with a line break; empty when there is nothing to
 * say. One short line stays on one line.
 */
export function docComment(lines: readonly string[], indent: string): string {
  const body = lines.flatMap((line) => line.split(/\r\n?|[\n\u2028\u2029]/)).map((line) => safeLine(line).trimEnd());
  while (body.length > 0 && body[body.length - 1] === "") body.pop();
  if (body.length === 0) return "";
  if (body.length === 1 && (body[0] ?? "").length <= 100) return `${indent}/** ${body[0]} */\n`;
  return `${indent}/**\n${body.map((line) => (line === "" ? `${indent} *` : `${indent} * ${line}`)).join("\n")}\n${indent} */\n`;
}
