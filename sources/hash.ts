import { hashValue } from "../core/evidence";
import type { SharedTexts } from "../core/evidence";
import type { SourceManifest, ToolDefinition } from "../schemas";

/**
 * A tool definition's hash: SHA-256 over the canonical JSON of everything but the hash itself.
 * A plugin whose definitions share schema objects passes one SharedTexts for the whole manifest.
 */
export async function withHash(definition: Omit<ToolDefinition, "hash">, shared?: SharedTexts): Promise<ToolDefinition> {
  return { ...definition, hash: await hashValue(definition, shared) };
}

/** The manifest's hash: over the sorted tool hashes and the auth templates. */
export async function manifestHash(manifest: SourceManifest): Promise<string> {
  const tools = manifest.tools.map((t) => `${t.name}:${t.hash}`).sort();
  return hashValue({ kind: manifest.kind, tools, auth: manifest.auth });
}
