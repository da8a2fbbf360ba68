/** Compatibility date for sandbox isolates; at or below what the pinned workerd supports. */
export const SANDBOX_COMPATIBILITY_DATE = "2026-11-01";

const PROBE_SOURCE = `
export default {
  async fetch(request) {
    let egress = "allowed";
    try { await fetch("http://127.0.0.1:9/"); } catch { egress = "blocked"; }
    return Response.json({ ok: true, egress, url: new URL(request.url).pathname });
  },
};
`;

export type LoaderProbe = { ok: boolean; egress: "blocked" | "allowed" };

/**
 * Loads a tiny isolate with no outbound network (DESIGN §7: `globalOutbound: null`) and asks it
 * to answer; it also tries to fetch, which must fail, proving the sandbox's egress is shut.
 */
export async function probeLoader(loader: WorkerLoader): Promise<LoaderProbe> {
  const worker = loader.get("executor-health-probe-v1", () => ({
    compatibilityDate: SANDBOX_COMPATIBILITY_DATE,
    mainModule: "probe.js",
    modules: { "probe.js": PROBE_SOURCE },
    globalOutbound: null,
  }));
  const res = await worker.getEntrypoint().fetch("http://sandbox/probe");
  const body = (await res.json()) as { ok?: unknown; egress?: unknown };
  return { ok: body.ok === true, egress: body.egress === "blocked" ? "blocked" : "allowed" };
}
