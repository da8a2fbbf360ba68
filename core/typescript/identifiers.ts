/**
 * Names in generated TypeScript. Everything here comes from untrusted text (tool names, `$defs`
 * keys, property names), so each function returns something that can only be read as the one
 * token it stands for: an identifier, or a string literal.
 */

/** ECMAScript 2023 §12.7 IdentifierName, restricted to ASCII so the result never depends on Unicode tables. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * ECMAScript 2023 §12.7.2 reserved words, plus TypeScript's contextual type keywords: none may name a
 * type. Generated names are PascalCase, so these can only matter for a caller's own reserved names.
 */
const KEYWORDS = [
  "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
  "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new",
  "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
  "yield", "let", "static", "implements", "interface", "package", "private", "protected", "public", "any",
  "unknown", "never", "object", "string", "number", "bigint", "boolean", "symbol", "undefined", "type", "keyof",
  "infer", "is", "asserts", "readonly", "unique", "global", "declare", "namespace", "module", "abstract", "as",
  "satisfies", "out", "accessor", "constructor", "of", "from", "get", "set", "require",
];

/**
 * Global type names every sandbox has: the ES2023 library and the fetch-era globals of a Worker.
 * Declarations are meant for a module or namespace, where a local `type Date` would merely shadow
 * the global; in a script it would collide ("Duplicate identifier"), and the `Promise` our function
 * types use must stay the global one. (DOM-only names such as `Node` or `Document` stay available.)
 */
const GLOBALS = [
  "Object", "Function", "String", "Number", "Boolean", "Symbol", "BigInt", "Array", "ReadonlyArray", "Date",
  "RegExp", "Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
  "AggregateError", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "ReadonlyMap", "ReadonlySet", "Promise",
  "PromiseLike", "Proxy", "Reflect", "JSON", "Math", "Intl", "Atomics", "ArrayBuffer", "SharedArrayBuffer",
  "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
  "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Iterator", "Iterable",
  "IterableIterator", "AsyncIterator", "AsyncIterable", "Generator", "AsyncGenerator", "Record", "Partial",
  "Required", "Readonly", "Pick", "Omit", "Exclude", "Extract", "NonNullable", "Parameters", "ReturnType",
  "InstanceType", "ConstructorParameters", "Awaited", "Uppercase", "Lowercase", "Capitalize", "Uncapitalize",
  "ThisType", "PropertyKey", "PropertyDescriptor", "TemplateStringsArray", "ArrayLike", "Request", "Response",
  "Headers", "URL", "URLSearchParams", "Blob", "File", "FormData", "ReadableStream", "WritableStream",
  "TransformStream", "TextEncoder", "TextDecoder", "AbortController", "AbortSignal", "Event", "EventTarget",
  "WebSocket", "Crypto", "CryptoKey", "SubtleCrypto",
];

/** Names no generated type may take: keywords and global type names. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...KEYWORDS, ...GLOBALS]);

/** Whether `text` can be written bare: as a property key, or (when not reserved) as a type name. */
export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

/**
 * A string literal that reads back as exactly `text`: JSON's escaping (ECMAScript 2023 §25.5.2.3,
 * which escapes lone surrogates), plus U+2028/U+2029, which a literal may hold raw since ES2019 but
 * which older tools and some editors treat as line breaks.
 */
export function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A property key: bare when it is an identifier (reserved words are valid keys), quoted otherwise. */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : stringLiteral(name);
}

/**
 * A PascalCase ASCII type name from arbitrary text: `simple-user` → `SimpleUser`, `issues/create` →
 * `IssuesCreate`, `2fa` → `_2fa`. Letters inside a word keep their case (`petStore` → `PetStore`).
 * Not unique by itself: IdentifierPool makes it so.
 */
export function typeIdentifier(text: string, maxLength: number, fallback = "Type"): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  let name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
  if (name === "") name = fallback;
  if (/^[0-9]/.test(name)) name = `_${name}`;
  return name.slice(0, Math.max(1, maxLength));
}

/** Hands out identifiers, each once: a taken or reserved name gets the first free numeric suffix. */
export class IdentifierPool {
  readonly #taken = new Set<string>();
  readonly #reserved: ReadonlySet<string>;
  readonly #maxLength: number;

  constructor(maxLength: number, reserved: Iterable<string> = []) {
    this.#maxLength = maxLength;
    this.#reserved = new Set([...RESERVED_NAMES, ...reserved]);
  }

  /** `base` itself when free, else `base2`, `base3`, …; `base` must already be an identifier. */
  claim(base: string): string {
    if (!isIdentifier(base)) throw new TypeError(`not an identifier: ${base.slice(0, 80)}`);
    const stem = base.slice(0, this.#maxLength);
    let candidate = stem;
    for (let n = 2; this.#taken.has(candidate) || this.#reserved.has(candidate); n++) candidate = `${stem}${n}`;
    this.#taken.add(candidate);
    return candidate;
  }

  has(name: string): boolean {
    return this.#taken.has(name);
  }
}
