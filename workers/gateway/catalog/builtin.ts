import { CUSTOM_SLUG } from "../../../durable-objects/scope-catalog/artifacts";
import { EXECUTOR_SLUG } from "../../invoke/builtin/executor-manifest";
import { HttpError } from "../../shared/problem";
import { STORE_SLUG } from "../../invoke/builtin/store-manifest";

/**
 * The built-in `executor` source is the deployment's: every org has it with its one connection, so
 * nobody refreshes, removes or re-connects it (its tools change with the platform). What may call
 * it is governed like any source: policies, toolkits, approvals.
 */
export function assertNotBuiltin(source: string, action: string): void {
  if (source === EXECUTOR_SLUG) {
    throw new HttpError(409, "conflict", `the executor source is built in; it cannot ${action}. Govern its tools with policies and toolkits instead`);
  }
  if (source === STORE_SLUG) {
    throw new HttpError(409, "conflict", `the store source is built in; it cannot ${action}. Its connections are your stores: create and remove them with /v1/stores`);
  }
  // Authored tools change only by deploy (POST /v1/artifacts/deploy) or rollback, so git holds every version.
  if (source === CUSTOM_SLUG) {
    throw new HttpError(409, "conflict", `the custom source holds deployed tools; it cannot ${action}. Deploy a new set or roll back (/v1/artifacts) instead`);
  }
}

/** Slugs the platform places itself: an imported source may not take them. */
export function assertSlugFree(slug: string): void {
  if (slug === EXECUTOR_SLUG || slug === CUSTOM_SLUG || slug === STORE_SLUG) {
    throw new HttpError(409, "conflict", `field 'slug': '${slug}' is reserved for the platform's own source`, { errors: [{ path: "slug", message: "is reserved" }] });
  }
}
