import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SANDBOX_COMPATIBILITY_DATE, probeLoader } from "./probe";

describe("sandbox isolates", () => {
  it("answers from a loaded isolate with its outbound fetch blocked", async () => {
    expect(await probeLoader(env.LOADER)).toEqual({ ok: true, egress: "blocked" });
  });

  it("lets an isolate with an outbound binding reach it, proving the block above is the null outbound", async () => {
    const worker = env.LOADER.load({
      compatibilityDate: SANDBOX_COMPATIBILITY_DATE,
      mainModule: "m.js",
      modules: {
        "m.js": "export default { async fetch(r, env) { try { await fetch('http://x/'); return new Response('open'); } catch { return new Response('shut'); } } }",
      },
      globalOutbound: null,
    });
    expect(await (await worker.getEntrypoint().fetch("http://sandbox/")).text()).toBe("shut");
  });
});
