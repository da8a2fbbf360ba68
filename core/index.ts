/**
 * The core's public API: pure TypeScript, no Cloudflare and no Node-only imports (DESIGN §5), so the
 * gateway, the Durable Objects and the CLI share one implementation of every rule.
 */
export { DomainError, isDomainError } from "./errors";
export type { DomainErrorCode, DomainErrorOptions } from "./errors";

export { ADDRESS_SEGMENTS, formatAddress, parseAddress, splitSegments, tryParseAddress } from "./address";
export type { AddressParts, AddressResult, AddressSegment, ParsedAddress } from "./address";

export { compilePattern, globMatch, matchesPattern, matchesToolGlob } from "./pattern";
export type { PatternMatcher } from "./pattern";

export {
  chainIds,
  depth,
  holdsScope,
  innermost,
  innermostValue,
  isVisible,
  mergeScalars,
  outermost,
} from "./scope";
export type { ByScope } from "./scope";

export { defaultAction, policyLevel, resolvePolicy, restrictiveness } from "./policy";
export type { PolicyQuery, PolicyResolution, PolicyTool } from "./policy";

export { excludingNarrowing, inNarrowing, inToolset, scope, toolkitToNarrowing } from "./toolset";
export type { Toolset } from "./toolset";

export { admit, outcomeRank } from "./admission";
export type { AdmissibleTool } from "./admission";

export { canonicalJson, evidenceHash, hashValue, sha256Hex, verifyChain } from "./evidence";
export type { ChainBreak, ChainLink, ChainVerification, VerifyOptions } from "./evidence";

export { JSON_LIMITS, breachMessage, cloneBytes, describeBreach, parseJson, scanJsonText, scanJsonValue } from "./json";
export type { JsonBoundary, JsonBreach, JsonLimits, ParsedJson } from "./json";
