import { z } from "zod";
import { ToolAddress, ToolPattern } from "./address";
import { EpochMs, RecordId, ScopeId, Slug } from "./common";

/** Pure curation: a named predicate over tool addresses. Carries no policy (DESIGN §2). */
export const Toolkit = z.object({
  id: RecordId,
  scope: ScopeId,
  slug: Slug,
  title: z.string().max(256),
  description: z.string().max(4096).default(""),
  /** Explicitly selected addresses. */
  tools: z.array(ToolAddress).max(10_000).default([]),
  /** Address patterns; a tool is in the toolkit when selected or matched by any pattern. */
  patterns: z.array(ToolPattern).max(256).default([]),
  /**
   * Whether a credential bound to this toolkit may run code in the sandbox (`run_code`). The code can
   * still reach only the toolkit's tools; off by default, since code makes many calls per turn.
   */
  runCode: z.boolean().default(false),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Toolkit = z.infer<typeof Toolkit>;

export const ToolkitInput = Toolkit.pick({ slug: true, title: true, description: true, tools: true, patterns: true, runCode: true });
export type ToolkitInput = z.infer<typeof ToolkitInput>;
