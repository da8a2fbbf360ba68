import { JSON_LIMITS, cloneBytes, describeBreach, scanJsonValue } from "../../../core/json";
import { MAX_SOURCE_TOOLS } from "../../../schemas";
import type { ToolDefinition } from "../../../schemas";
import { HttpError } from "../../shared/problem";

const MiB = 1024 * 1024;

/**
 * What one import may hold (finding 14; DESIGN invariant 10). A Worker isolate has 128 MB, and an
 * upload is held at once as the body text, the document string parsed out of it (two bytes per
 * character when any character is above U+00FF, as in GitHub's description), the parsed document,
 * the manifest and the serialized RPC to the ScopeCatalog. bench/import-memory.ts measures the
 * heap each step needs; the figures are in the report that set these numbers.
 */

/**
 * The body of `POST /v1/sources` and `…/refresh`: the largest JSON document (sources/openapi
 * document.ts, 16 MiB) plus the ~10% that escaping it as a JSON string adds. GitHub's 12.4 MiB
 * description is a 13.5 MiB body.
 */
export const SPEC_BODY_LIMIT = 18 * MiB;

/** Workers RPC refuses a message over 32 MiB ("Serialized RPC arguments or return values are limited to 32MiB"). */
export const RPC_MESSAGE_LIMIT = 32 * MiB;

/** What one import may send the catalog: the RPC limit less a margin for the estimate (core/json/clone-size.ts). */
export const IMPORT_RPC_BUDGET = 30 * MiB;

/**
 * The stored definitions of one source, summed (JSON characters): GitHub's are 8.4 MiB. The
 * ScopeCatalog validates and copies every definition it is sent, so this bounds its heap too.
 */
export const MAX_MANIFEST_CHARS = 12 * MiB;

/**
 * One stored definition (JSON characters): its schemas are catalog column values, and Durable Object
 * SQLite caps a value at 2 MB; 512 Ki characters is at most 1.5 MB of UTF-8. GitHub's largest is 83 KiB.
 */
export const MAX_TOOL_CHARS = 512 * 1024;

/**
 * Refuses an uploaded document that could not travel to the catalog whatever its tools, before the
 * plugin spends memory resolving it: 422 naming the RPC budget. A document is as large over RPC as
 * in memory, twice its length when it holds any character above U+00FF.
 */
export function assertUploadFits(document: string | undefined): void {
  if (document === undefined) return;
  const rpc = cloneBytes(document);
  if (rpc > IMPORT_RPC_BUDGET) {
    refuse(`the document would send the catalog ~${mib(rpc)} MiB; at most ${mib(IMPORT_RPC_BUDGET)} MiB fit one Workers RPC (limit ${mib(RPC_MESSAGE_LIMIT)} MiB)`);
  }
}

/**
 * Refuses a resolved manifest that the catalog could not take, before anything is sent or stored:
 * 422 validation-failed naming the limit. `document` is the upload that travels with it, if any.
 */
export function assertImportFits(tools: readonly ToolDefinition[], document: string | undefined): void {
  if (tools.length > MAX_SOURCE_TOOLS) refuse(`the source describes ${tools.length} tools; at most ${MAX_SOURCE_TOOLS} are supported`);
  let chars = 0;
  for (const tool of tools) {
    // Plugins bound what they build, but every definition is hashed and validated recursively later on.
    const breach = scanJsonValue(tool, JSON_LIMITS.document);
    if (breach !== null) refuse(`tool '${tool.name}' ${describeBreach(breach)}`);
    const size = JSON.stringify(tool).length;
    if (size > MAX_TOOL_CHARS) refuse(`tool '${tool.name}' is ${size} characters of JSON; at most ${MAX_TOOL_CHARS} are stored per tool`);
    chars += size;
  }
  if (chars > MAX_MANIFEST_CHARS) refuse(`the source's tools are ${chars} characters of JSON; at most ${MAX_MANIFEST_CHARS} are stored per source`);
  const rpc = cloneBytes({ tools, document });
  if (rpc > IMPORT_RPC_BUDGET) {
    refuse(`the import would send the catalog ~${mib(rpc)} MiB; at most ${mib(IMPORT_RPC_BUDGET)} MiB fit one Workers RPC (limit ${mib(RPC_MESSAGE_LIMIT)} MiB)`);
  }
}

function refuse(message: string): never {
  throw new HttpError(422, "validation-failed", message);
}

function mib(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}
