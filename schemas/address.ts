import { z } from "zod";

/**
 * `<source>.<scope>.<connection>.<tool>`: the account is always in the path (DESIGN §2).
 * The first three segments are dot-free; the tool segment is everything after the third dot.
 * Parse with core/address for segment-precise errors; this schema is the boundary check.
 */
export const ADDRESS_PATTERN =
  /^[a-z0-9][a-z0-9-]{0,62}\.[a-z][a-z0-9_-]{0,63}\.[a-z0-9][a-z0-9-]{0,62}\.[A-Za-z0-9_][A-Za-z0-9_./-]{0,127}$/;

export const ToolAddress = z
  .string()
  .regex(ADDRESS_PATTERN, "must be <source>.<scope>.<connection>.<tool>")
  .brand<"ToolAddress">();
export type ToolAddress = z.infer<typeof ToolAddress>;

/**
 * A toolkit pattern: four segments like an address, each may use `*` as a wildcard
 * (`github.org_acme.*.repos/*`). In the tool segment `*` also matches '.' and '/'.
 */
export const ToolPattern = z
  .string()
  .regex(
    /^[a-z0-9*][a-z0-9*-]{0,62}\.[a-z*][a-z0-9_*-]{0,63}\.[a-z0-9*][a-z0-9*-]{0,62}\.[A-Za-z0-9_*][A-Za-z0-9_./*-]{0,127}$/,
    "must be <source>.<scope>.<connection>.<tool> where any segment may use '*'",
  );
export type ToolPattern = z.infer<typeof ToolPattern>;
