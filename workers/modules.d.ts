// Wrangler bundles `.sql` migrations as text (wrangler.toml [[rules]] type = "Text").
declare module "*.sql" {
  const text: string;
  export default text;
}

// Vendored module sources handed to sandboxes as text (dynamic-plugins/vendor/*.bundle.txt).
declare module "*.bundle.txt" {
  const text: string;
  export default text;
}

// The bindings tests see through `cloudflare:workers` / `cloudflare:test` are the gateway's own.
type GatewayEnv = import("./gateway/env").Env;
type GatewayModule = typeof import("./gateway/index");
declare namespace Cloudflare {
  interface Env extends GatewayEnv {}
  interface GlobalProps {
    mainModule: GatewayModule;
    durableNamespaces: "ScopeCatalog" | "AccountDirectory" | "CredentialShard" | "RateLimiter" | "RunLedger" | "LedgerAnchor";
  }
}
