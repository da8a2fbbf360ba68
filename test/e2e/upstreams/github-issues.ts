import type { Upstream } from "./http-server";
import { json, serve } from "./http-server";

export type Issue = { number: number; title: string; state: "open" | "closed" };

/** A loopback stand-in for GitHub's issues API, describing itself at /openapi.json. */
export function githubSpec(base: string): object {
  const issue = { type: "object", required: ["number", "title", "state"], properties: { number: { type: "integer" }, title: { type: "string" }, state: { type: "string" } } };
  return {
    openapi: "3.0.3",
    info: { title: "GitHub (stand-in)", version: "1.0.0" },
    servers: [{ url: base }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths: {
      "/repos/{owner}/{repo}/issues": {
        get: {
          operationId: "listIssues",
          summary: "List repository issues",
          parameters: [
            { name: "owner", in: "path", required: true, schema: { type: "string" } },
            { name: "repo", in: "path", required: true, schema: { type: "string" } },
            { name: "state", in: "query", schema: { type: "string", enum: ["open", "closed", "all"] } },
          ],
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "array", items: issue } } } } },
        },
      },
    },
  };
}

export type GithubStandIn = Upstream & {
  issues: Issue[];
  /** Holds every issues request until `release()` (to stop a workflow mid-step); `held` counts the waiting ones. */
  hold: () => void;
  release: () => void;
  held: () => number;
};

export async function startGithub(token: string): Promise<GithubStandIn> {
  const issues: Issue[] = [
    { number: 1, title: "Crash on start", state: "open" },
    { number: 2, title: "Docs typo", state: "open" },
    { number: 3, title: "Old bug", state: "closed" },
  ];
  let holding = false;
  let waiting: Array<() => void> = [];
  let base = "";
  const upstream = await serve(async (req, res) => {
    const url = new URL(req.path, "http://x");
    if (url.pathname === "/openapi.json") return json(res, 200, githubSpec(base));
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { message: "Bad credentials" });
    const match = /^\/repos\/[^/]+\/[^/]+\/issues$/.exec(url.pathname);
    if (!match) return json(res, 404, { message: "Not Found" });
    if (holding) await new Promise<void>((ok) => waiting.push(ok));
    const state = url.searchParams.get("state") ?? "open";
    return json(res, 200, issues.filter((i) => state === "all" || i.state === state));
  });
  base = upstream.url;
  return {
    ...upstream,
    issues,
    hold: () => void (holding = true),
    release: () => {
      holding = false;
      const all = waiting;
      waiting = [];
      for (const go of all) go();
    },
    held: () => waiting.length,
  };
}
