import { AuthTemplate } from "../../schemas";
import type { JsonObject } from "../../schemas";
import { canonicalJson } from "../../core/evidence";
import { isObject, objectAt, stringAt } from "./json";

const MAX_TEMPLATES = 32;
const MAX_SCOPES = 100;

/**
 * Auth templates from `components.securitySchemes` (OAS 3.1 §4.8.27), in name order, deduplicated.
 * Supported: apiKey in header/query/cookie, http bearer/basic, oauth2 clientCredentials. Everything
 * else (other http schemes, other OAuth flows, openIdConnect, mutualTLS) is skipped, not an error:
 * the tools still resolve, and the platform offers the templates it can fill.
 */
export function authTemplates(root: JsonObject, baseUrl: string): AuthTemplate[] {
  const schemes = objectAt(objectAt(root.components)?.securitySchemes) ?? {};
  const out: AuthTemplate[] = [];
  const seen = new Set<string>();
  for (const name of Object.keys(schemes).sort()) {
    const scheme = objectAt(schemes[name]);
    const template = scheme === undefined || typeof scheme.$ref === "string" ? undefined : fromScheme(scheme, baseUrl);
    if (template === undefined) continue;
    const key = canonicalJson(template);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(template);
    if (out.length === MAX_TEMPLATES) break;
  }
  return out;
}

function fromScheme(scheme: JsonObject, baseUrl: string): AuthTemplate | undefined {
  const type = stringAt(scheme.type);
  if (type === "apiKey") {
    const candidate = { type: "apiKey", in: scheme.in, name: scheme.name };
    const parsed = AuthTemplate.safeParse(candidate);
    return parsed.success ? parsed.data : undefined;
  }
  if (type === "http") {
    // RFC 9110 §11.1: auth scheme names are case-insensitive ("Bearer", "basic" …).
    const name = stringAt(scheme.scheme)?.toLowerCase();
    return name === "bearer" || name === "basic" ? { type: "http", scheme: name } : undefined;
  }
  if (type === "oauth2") {
    const flow = objectAt(objectAt(scheme.flows)?.clientCredentials);
    const tokenUrl = stringAt(flow?.tokenUrl);
    if (flow === undefined || tokenUrl === undefined) return undefined;
    let absolute: string;
    try {
      // OAS 3.1 §4.8.5.1: a relative tokenUrl resolves against the server URL.
      absolute = new URL(tokenUrl, `${baseUrl}/`).href;
    } catch {
      return undefined;
    }
    const scopes = isObject(flow.scopes) ? Object.keys(flow.scopes).filter((s) => s.length <= 256).sort().slice(0, MAX_SCOPES) : [];
    const parsed = AuthTemplate.safeParse({ type: "oauth2_client_credentials", tokenUrl: absolute, scopes });
    return parsed.success ? parsed.data : undefined;
  }
  return undefined;
}
