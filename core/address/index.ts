import type { z } from "zod";
import { ToolAddress } from "../../schemas/address";
import { ScopeId, Slug, ToolName } from "../../schemas/common";
import { DomainError } from "../errors";

/** The four segments of an address, in order (DESIGN §2: `<source>.<scope>.<connection>.<tool>`). */
export type AddressSegment = "source" | "scope" | "connection" | "tool";
export const ADDRESS_SEGMENTS: readonly AddressSegment[] = ["source", "scope", "connection", "tool"];

export interface AddressParts {
  readonly source: Slug;
  readonly scope: ScopeId;
  readonly connection: Slug;
  readonly tool: ToolName;
}

export interface ParsedAddress extends AddressParts {
  readonly address: ToolAddress;
}

export type AddressResult = { readonly ok: true; readonly value: ParsedAddress } | { readonly ok: false; readonly error: DomainError };

/** Each segment is checked by the same schema that defines it, so the two can never drift apart. */
const SEGMENT_SCHEMAS: Readonly<Record<AddressSegment, z.ZodString>> = {
  source: Slug,
  scope: ScopeId,
  connection: Slug,
  tool: ToolName,
};

/**
 * Splits on the first three dots only: the first three segments are dot-free, while the tool
 * segment may itself contain dots (MCP tool names allow '.').
 */
export function splitSegments(text: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const dot = text.indexOf(".", start);
    if (dot < 0) return null;
    parts.push(text.slice(start, dot));
    start = dot + 1;
  }
  parts.push(text.slice(start));
  return parts;
}

function checkSegment(segment: AddressSegment, value: string): DomainError | null {
  if (value.length === 0) {
    return new DomainError("invalid_address", `segment '${segment}' is empty`, { field: segment });
  }
  const result = SEGMENT_SCHEMAS[segment].safeParse(value);
  if (result.success) return null;
  const rule = result.error.issues[0]?.message ?? "is malformed";
  return new DomainError("invalid_address", `segment '${segment}' ${rule}, got ${JSON.stringify(value)}`, {
    field: segment,
    detail: value,
  });
}

function checkParts(parts: AddressParts): DomainError | ParsedAddress {
  for (const segment of ADDRESS_SEGMENTS) {
    const error = checkSegment(segment, parts[segment]);
    if (error) return error;
  }
  const text = `${parts.source}.${parts.scope}.${parts.connection}.${parts.tool}`;
  // Segment checks are the ADDRESS_PATTERN split in four; the brand check below is the schema's own word.
  const branded = ToolAddress.safeParse(text);
  if (!branded.success) {
    return new DomainError("invalid_address", `address ${JSON.stringify(text)} is malformed`, { detail: text });
  }
  return { source: parts.source, scope: parts.scope, connection: parts.connection, tool: parts.tool, address: branded.data };
}

/** Parses an address, reporting the first failing segment by name. Never throws. */
export function tryParseAddress(text: string): AddressResult {
  const segments = splitSegments(text);
  if (segments === null) {
    const got = text.length === 0 ? 0 : text.split(".").length;
    return {
      ok: false,
      error: new DomainError("invalid_address", `expected 4 segments separated by '.', got ${got}`, { detail: text }),
    };
  }
  const [source = "", scope = "", connection = "", tool = ""] = segments;
  const checked = checkParts({ source, scope, connection, tool });
  return checked instanceof DomainError ? { ok: false, error: checked } : { ok: true, value: checked };
}

/** Parses an address or throws DomainError("invalid_address") whose `field` names the failing segment. */
export function parseAddress(text: string): ParsedAddress {
  const result = tryParseAddress(text);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Builds an address from its parts. Each part is validated on its own (not by re-parsing the joined
 * string), so a dot smuggled into `source` is reported as a bad source rather than shifting segments.
 */
export function formatAddress(parts: AddressParts): ToolAddress {
  const checked = checkParts(parts);
  if (checked instanceof DomainError) throw checked;
  return checked.address;
}
