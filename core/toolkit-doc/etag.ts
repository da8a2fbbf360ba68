import { hashValue } from "../evidence";
import type { JsonObject } from "../../schemas";

/** A strong ETag (RFC 9110 §8.8.3) from the canonical JSON (RFC 8785) of the document. */
export async function toolkitEtag(document: JsonObject): Promise<string> {
  return `"${(await hashValue(document)).slice(0, 32)}"`;
}
