/**
 * ECMA-262 pattern syntax (JSON Schema Core 2020-12 §6.4: `pattern` and `patternProperties` are
 * ECMA-262 regular expressions, which validators run as `new RegExp(p, "u")`) rewritten into RE2
 * syntax with the same meaning, or a reason it has no RE2 form.
 *
 * The input must already be a valid `u`-mode ECMAScript pattern (compile.ts checks it with the native
 * parser first, which never runs a match), so this only has to get the meaning right, not reject junk.
 * Where the two dialects spell the same thing differently, the ECMAScript meaning is written out:
 * - `\s` / `\S`: ECMA-262 §22.2.2.9 WhiteSpace + LineTerminator (RE2's `\s` is ASCII only);
 * - `.`: any code point but a LineTerminator (RE2's `.` excludes only `\n`);
 * - `[]` matches nothing and `[^]` anything (in RE2 a leading `]` is a literal);
 * - every literal inside a class is a `\x{…}` code point, so `[[:alpha:]]` stays five characters;
 * - `\uD83D\uDE00` is one code point, `\u{…}` and `\cX` become `\x{…}`;
 * - `\p{General_Category=…}`, `\p{Script=…}` and long category names become RE2's `\p{…}` names.
 * Lookaround, backreferences and inline modifiers have no linear-time form and are refused.
 */
import { propertySet } from "./property";

export type Translation = { ok: true; source: string } | { ok: false; reason: string };

/** ECMA-262 §12.2 WhiteSpace and §12.3 LineTerminator, as RE2 class members. */
const SPACE = "\\x{9}-\\x{D}\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";
/** §22.2.2.7.1: without the `s` flag, `.` matches anything but a LineTerminator. */
const DOT = "[^\\x{A}\\x{D}\\x{2028}\\x{2029}]";
const ANY = "[\\x{0}-\\x{10FFFF}]";
const NOTHING = "[^\\x{0}-\\x{10FFFF}]";
/** RE2's largest repetition count (re2/parse.cc kMaxRepeat). */
const MAX_REPEAT = 1000;

class Refusal extends Error {}
const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

/** An escape or class atom: one code point, a set (with its in-class and stand-alone forms), `\S`, or an assertion. */
type Atom =
  | { kind: "char"; cp: number }
  | { kind: "set"; inside: string; outside: string }
  | { kind: "notSpace" }
  | { kind: "assertion"; text: string };

const hex = (cp: number): string => `\\x{${cp.toString(16).toUpperCase()}}`;
const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** A literal outside a class: letters, digits and non-ASCII as they are, ASCII punctuation escaped, controls as `\x{…}`. */
function literal(cp: number): string {
  if (isSurrogate(cp)) refuse("a lone surrogate");
  if (cp >= 0x80 || /^[A-Za-z0-9]$/.test(String.fromCodePoint(cp))) return String.fromCodePoint(cp);
  if (cp > 0x20 && cp < 0x7f) return `\\${String.fromCodePoint(cp)}`;
  return hex(cp);
}

class Translator {
  readonly #s: string;
  #i = 0;
  #out = "";

  constructor(source: string) {
    this.#s = source;
  }

  run(): string {
    while (this.#i < this.#s.length) this.#term();
    return this.#out;
  }

  #peek(offset = 0): string | undefined {
    return this.#s[this.#i + offset];
  }

  /** The next whole code point (a surrogate pair counts once). */
  #next(): number {
    const cp = this.#s.codePointAt(this.#i) ?? refuse("an unexpected end of the pattern");
    this.#i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  #term(): void {
    const c = this.#peek();
    if (c === "(") return this.#group();
    if (c === "[") return this.#class();
    if (c === "{") return this.#repeat();
    if (c === ".") {
      this.#i++;
      this.#out += DOT;
      return;
    }
    if (c === "\\") {
      this.#i++;
      const atom = this.#escape(false);
      if (atom.kind === "char") this.#out += literal(atom.cp);
      else if (atom.kind === "set") this.#out += atom.outside;
      else if (atom.kind === "notSpace") this.#out += `[^${SPACE}]`;
      else this.#out += atom.text;
      return;
    }
    if (c === ")" || c === "|" || c === "*" || c === "+" || c === "?" || c === "^" || c === "$") {
      this.#i++;
      this.#out += c;
      return;
    }
    this.#out += literal(this.#next());
  }

  #group(): void {
    this.#i++;
    if (this.#peek() !== "?") {
      this.#out += "(?:";
      return;
    }
    const a = this.#peek(1);
    const b = this.#peek(2);
    if (a === ":") {
      this.#i += 2;
      this.#out += "(?:";
    } else if (a === "=" || a === "!") {
      refuse("a lookahead assertion");
    } else if (a === "<" && (b === "=" || b === "!")) {
      refuse("a lookbehind assertion");
    } else if (a === "<") {
      // A named group: the name only matters for captures, which a test never reads.
      const end = this.#s.indexOf(">", this.#i);
      if (end < 0) refuse("an unterminated group name");
      this.#i = end + 1;
      this.#out += "(?:";
    } else {
      refuse("an inline modifier group");
    }
  }

  /** `{n}`, `{n,}`, `{n,m}`: u-mode has no literal `{`, so this is always a quantifier. */
  #repeat(): void {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.#s.slice(this.#i, this.#i + 24));
    if (!match) return refuse("a malformed repetition");
    const counts = [match[1], match[3]].filter((n): n is string => n !== undefined && n !== "").map(Number);
    if (counts.some((n) => n > MAX_REPEAT)) refuse(`a repetition count above ${MAX_REPEAT}`);
    this.#i += match[0].length;
    this.#out += match[0];
  }

  #class(): void {
    this.#i++;
    const negated = this.#peek() === "^";
    if (negated) this.#i++;
    if (this.#peek() === "]") {
      this.#i++;
      this.#out += negated ? ANY : NOTHING;
      return;
    }
    let members = "";
    let notSpace = false;
    while (this.#peek() !== "]") {
      if (this.#i >= this.#s.length) refuse("an unterminated character class");
      const from = this.#classAtom();
      if (from.kind === "char" && this.#peek() === "-" && this.#peek(1) !== "]" && this.#peek(1) !== undefined) {
        this.#i++;
        const to = this.#classAtom();
        if (to.kind !== "char") return refuse("a class range ending in a class escape");
        members += `${hex(from.cp)}-${hex(to.cp)}`;
      } else if (from.kind === "char") {
        members += hex(from.cp);
      } else if (from.kind === "set") {
        members += from.inside;
      } else {
        notSpace = true;
      }
    }
    this.#i++;
    if (!notSpace) {
      this.#out += `[${negated ? "^" : ""}${members}]`;
    } else if (!negated) {
      // RE2 cannot negate one member of a class: \S becomes its own alternative.
      this.#out += members === "" ? `[^${SPACE}]` : `(?:[^${SPACE}]|[${members}])`;
    } else if (members === "") {
      this.#out += `[${SPACE}]`;
    } else {
      refuse("a negated class containing \\S");
    }
  }

  #classAtom(): Atom {
    if (this.#peek() !== "\\") {
      const cp = this.#next();
      if (isSurrogate(cp)) refuse("a lone surrogate");
      return { kind: "char", cp };
    }
    this.#i++;
    const atom = this.#escape(true);
    if (atom.kind === "assertion") return refuse("an assertion inside a class");
    return atom;
  }

  /** After a backslash (ECMA-262 §22.2.1 AtomEscape / ClassEscape). */
  #escape(inClass: boolean): Atom {
    const c = this.#s[this.#i++];
    switch (c) {
      case "d":
      case "D":
      case "w":
      case "W":
        return { kind: "set", inside: `\\${c}`, outside: `\\${c}` };
      case "s":
        return { kind: "set", inside: SPACE, outside: `[${SPACE}]` };
      case "S":
        return { kind: "notSpace" };
      case "b":
        return inClass ? { kind: "char", cp: 0x08 } : { kind: "assertion", text: "\\b" };
      case "B":
        return { kind: "assertion", text: "\\B" };
      case "t":
        return { kind: "char", cp: 0x09 };
      case "n":
        return { kind: "char", cp: 0x0a };
      case "v":
        return { kind: "char", cp: 0x0b };
      case "f":
        return { kind: "char", cp: 0x0c };
      case "r":
        return { kind: "char", cp: 0x0d };
      case "0":
        return isDigit(this.#peek()) ? refuse("an octal escape") : { kind: "char", cp: 0 };
      case "k":
        return refuse("a backreference");
      case "c": {
        const letter = this.#s[this.#i++] ?? "";
        if (!/^[A-Za-z]$/.test(letter)) refuse("a malformed control escape");
        return { kind: "char", cp: letter.charCodeAt(0) % 32 };
      }
      case "x": {
        const digits = this.#s.slice(this.#i, this.#i + 2);
        if (!isHex(digits[0]) || !isHex(digits[1])) refuse("a malformed \\x escape");
        this.#i += 2;
        return { kind: "char", cp: parseInt(digits, 16) };
      }
      case "u":
        return { kind: "char", cp: this.#unicodeEscape() };
      case "p":
      case "P":
        return this.#property(c === "P");
      case undefined:
        return refuse("a trailing backslash");
      default:
        if (isDigit(c)) return refuse("a backreference");
        // u-mode identity escapes are the syntax characters, "/" and (in a class) "-".
        if ("^$\\.*+?()[]{}|/-".includes(c)) return { kind: "char", cp: c.charCodeAt(0) };
        return refuse(`the escape \\${c}`);
    }
  }

  /** `\u{…}`, `\uXXXX`, and a `\uXXXX\uXXXX` surrogate pair as one code point (u-mode). */
  #unicodeEscape(): number {
    if (this.#peek() === "{") {
      const end = this.#s.indexOf("}", this.#i);
      const digits = this.#s.slice(this.#i + 1, end);
      if (end < 0 || digits === "" || digits.length > 8 || ![...digits].every(isHex)) refuse("a malformed \\u{…} escape");
      this.#i = end + 1;
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) refuse("a code point above U+10FFFF");
      if (isSurrogate(cp)) refuse("a lone surrogate");
      return cp;
    }
    const four = (at: number): number | null => {
      const digits = this.#s.slice(at, at + 4);
      return digits.length === 4 && [...digits].every(isHex) ? parseInt(digits, 16) : null;
    };
    const high = four(this.#i) ?? refuse("a malformed \\u escape");
    this.#i += 4;
    if (high >= 0xd800 && high <= 0xdbff && this.#s.startsWith("\\u", this.#i)) {
      const low = four(this.#i + 2);
      if (low !== null && low >= 0xdc00 && low <= 0xdfff) {
        this.#i += 6;
        return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
      }
    }
    if (isSurrogate(high)) refuse("a lone surrogate");
    return high;
  }

  /** `\p{…}` / `\P{…}` (ECMA-262 §22.2.2.9 UnicodePropertyValueExpression). */
  #property(negated: boolean): Atom {
    const end = this.#s.indexOf("}", this.#i);
    if (this.#peek() !== "{" || end < 0) return refuse("a malformed property escape");
    const body = this.#s.slice(this.#i + 1, end);
    this.#i = end + 1;
    const set = propertySet(body, negated);
    return set.ok ? { kind: "set", inside: set.inside, outside: set.outside } : refuse(set.reason);
  }
}

/** The RE2 form of a valid u-mode ECMAScript pattern, or why there is none. */
export function translatePattern(source: string): Translation {
  try {
    return { ok: true, source: new Translator(source).run() };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    throw error;
  }
}
