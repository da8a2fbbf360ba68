// Authentication lookups (issue 13 item 3): every request resolves its API key or session cookie.
// Measures GET /v1/me (authentication and nothing else) at concurrency 16, once with one key (one
// credential, so one lookup object whatever the sharding), and once spread over the keys and the
// sessions of many users (where a single directory object is the funnel sharding removes).
// `npx tsx bench/auth-lookups.ts` (BENCH_AUTH_USERS users, BENCH_AUTH_CALLS requests per row).
import { signUpWithKey } from "../test/e2e/api";
import { verifiedSignUp } from "../test/e2e/mailbox";
import { removeDataDir, startPlatform } from "../test/e2e/platform";
import { load, ms, percentile } from "./stats";

const USERS = Number(process.env.BENCH_AUTH_USERS ?? 16);
const CALLS = Number(process.env.BENCH_AUTH_CALLS ?? 800);
const CONCURRENCY = 16;

export async function authLookupsBench(): Promise<void> {
  const platform = await startPlatform();
  try {
    const base = platform.baseUrl;
    const keys: string[] = [];
    const cookies: string[] = [];
    for (let i = 0; i < USERS; i++) {
      keys.push((await signUpWithKey(base, `bench-auth-${i}@example.com`)).key);
      const signup = await verifiedSignUp(base, `bench-auth-session-${i}@example.com`, "correct horse battery staple");
      cookies.push(signup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "));
    }
    let turn = 0;
    const me = (headers: () => Record<string, string>) => async (): Promise<void> => {
      const res = await fetch(`${base}/v1/me`, { headers: headers() });
      if (res.status !== 200) throw new Error(`/v1/me answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const rows: Array<[string, () => Promise<void>]> = [
      ["one API key", me(() => ({ authorization: `Bearer ${keys[0]}` }))],
      [`${USERS} users' API keys`, me(() => ({ authorization: `Bearer ${keys[turn++ % keys.length]}` }))],
      [`${USERS} users' sessions`, me(() => ({ cookie: cookies[turn++ % cookies.length] ?? "" }))],
    ];
    console.log(`\nauthentication lookups (GET /v1/me, concurrency ${CONCURRENCY}, ${CALLS} requests per row)`);
    console.log("credentials            | p50       | p99       | requests/s");
    for (const [label, task] of rows) {
      for (let i = 0; i < 32; i++) await task(); // warm the isolate and the lookup objects
      const r = await load(task, CALLS, CONCURRENCY);
      console.log(`${label.padEnd(22)} | ${ms(percentile(r.latencies, 50)).padStart(9)} | ${ms(percentile(r.latencies, 99)).padStart(9)} | ${((CALLS / r.wallMs) * 1000).toFixed(0)}`);
    }
  } finally {
    await platform.stop();
    removeDataDir(platform.dataDir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await authLookupsBench();
