import type { ObjectNode, TypeNode } from "./ir";
import { docComment, inlineComment } from "./jsdoc";
import { propertyKey } from "./identifiers";

/** Notes are short: they say why a type is `unknown`, not what the schema was. */
const NOTE_CHARS = 160;
const INDENT = "  ";

/** Writes a type expression; nested object types are indented from `indent`. */
export function printType(node: TypeNode, indent = ""): string {
  switch (node.kind) {
    case "keyword":
      return node.name;
    case "unknown":
      return node.note === undefined ? "unknown" : `unknown ${inlineComment(node.note, NOTE_CHARS)}`;
    case "literal":
      return node.text;
    case "ref":
      return node.broken ? `unknown ${inlineComment(`circular reference to ${node.target.name}`, NOTE_CHARS)}` : node.target.name;
    case "union":
      return node.members.map((member) => printType(member, indent)).join(" | ");
    case "intersection":
      return node.members.map((member) => wrap(member, indent, member.kind === "union")).join(" & ");
    case "array":
      return `${element(node.element, indent)}[]`;
    case "tuple":
      return printTuple(node, indent);
    case "object":
      return printObject(node, indent);
  }
}

/** Parenthesized where the grammar needs it (TypeScript's union binds looser than `&`, `[]` and `?`). */
function wrap(node: TypeNode, indent: string, needed: boolean): string {
  const text = printType(node, indent);
  return needed ? `(${text})` : text;
}

function element(node: TypeNode, indent: string): string {
  return wrap(node, indent, node.kind === "union" || node.kind === "intersection");
}

function printTuple(node: Extract<TypeNode, { kind: "tuple" }>, indent: string): string {
  const parts = node.elements.map((item, i) => (i < node.required ? printType(item, indent) : `${element(item, indent)}?`));
  if (node.rest !== undefined) parts.push(`...${element(node.rest, indent)}[]`);
  return `[${parts.join(", ")}]`;
}

function printObject(node: ObjectNode, indent: string): string {
  if (node.members.length === 0 && node.index === undefined) return "{}";
  const inner = indent + INDENT;
  let out = "{\n";
  for (const member of node.members) {
    out += docComment(member.doc, inner);
    out += `${inner}${propertyKey(member.key)}${member.optional ? "?" : ""}: ${printType(member.type, inner)};\n`;
  }
  if (node.index !== undefined) {
    out += docComment(node.index.doc, inner);
    out += `${inner}[key: string]: ${printType(node.index.type, inner)};\n`;
  }
  return `${out}${indent}}`;
}
