import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createGitBackend } from "./git-backend.mjs";

const root = mkdtempSync(join(tmpdir(), "executor-git-test-"));
const backend = createGitBackend({ root });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const author = { name: "Ada", email: "ada@example.com" };
let counter = 0;
const freshRepo = (): string => `repo-${++counter}`;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await backend(new Request(`http://git.local${path}`, init));
  return { status: res.status, body: await res.json() };
}

const commit = (repo: string, files: Record<string, string>, expectedHead: string | null, message = "change") =>
  call("POST", `/repos/${repo}/commit`, { files, author, message, expectedHead });

describe("git backend", () => {
  it("reports no head for a repository that does not exist yet", async () => {
    expect(await call("GET", `/repos/${freshRepo()}/head`)).toEqual({ status: 200, body: { head: null } });
  });

  it("creates the repository on the first commit and moves main to it", async () => {
    const repo = freshRepo();
    const first = await commit(repo, { "tools/a.ts": "export default 1;\n" }, null, "add a");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ message: "add a", author, parents: [] });
    expect(first.body.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(first.body.tree).toMatch(/^[0-9a-f]{40}$/);
    expect(Math.abs(first.body.at - Date.now())).toBeLessThan(5_000);
    expect((await call("GET", `/repos/${repo}/head`)).body.head).toBe(first.body.commit);
  });

  it("rejects a commit whose expectedHead is stale and leaves main where it was", async () => {
    const repo = freshRepo();
    const c1 = (await commit(repo, { a: "1" }, null)).body;
    const c2 = (await commit(repo, { a: "2" }, c1.commit)).body;
    expect(c2.parents).toEqual([c1.commit]);
    expect(await commit(repo, { a: "3" }, c1.commit)).toEqual({ status: 409, body: { error: "conflict", head: c2.commit } });
    expect(await commit(repo, { a: "3" }, null)).toEqual({ status: 409, body: { error: "conflict", head: c2.commit } });
    expect((await call("GET", `/repos/${repo}/head`)).body.head).toBe(c2.commit);
    expect((await call("GET", `/repos/${repo}/files?ref=main`)).body.files).toEqual({ a: "2" });
  });

  it("lets exactly one of two concurrent writers with the same expectedHead win", async () => {
    const repo = freshRepo();
    const c1 = (await commit(repo, { a: "1" }, null)).body;
    const results = await Promise.all([commit(repo, { a: "x" }, c1.commit), commit(repo, { a: "y" }, c1.commit)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it("replaces the whole tree and still serves files at an older commit", async () => {
    const repo = freshRepo();
    const c1 = (await commit(repo, { "tools/a.ts": "a1", "tools/b.ts": "b1" }, null)).body;
    const c2 = (await commit(repo, { "tools/a.ts": "a2" }, c1.commit)).body;
    expect((await call("GET", `/repos/${repo}/files?ref=${c1.commit}`)).body.files).toEqual({ "tools/a.ts": "a1", "tools/b.ts": "b1" });
    expect((await call("GET", `/repos/${repo}/files?ref=${c2.commit}`)).body.files).toEqual({ "tools/a.ts": "a2" });
    expect((await call("GET", `/repos/${repo}/files?ref=main`)).body.files).toEqual({ "tools/a.ts": "a2" });
  });

  it("builds nested trees from paths and keeps UTF-8 text intact", async () => {
    const repo = freshRepo();
    const files = {
      "README.md": "Grüße ✓\n",
      "tools/a.ts": "a",
      "tools-x.ts": "sorted before tools/ by git's rule",
      "skills/weather/SKILL.md": "---\nname: weather\n---\n",
      "skills/weather/refs/deep/note.txt": "deep",
    };
    const c = await commit(repo, files, null);
    expect(c.status).toBe(200);
    expect((await call("GET", `/repos/${repo}/files?ref=${c.body.commit}`)).body.files).toEqual(files);
  });

  it("commits an empty tree", async () => {
    const repo = freshRepo();
    const c = await commit(repo, {}, null);
    expect(c.status).toBe(200);
    expect((await call("GET", `/repos/${repo}/files?ref=main`)).body.files).toEqual({});
  });

  it("lists history newest first, limited, and empty for a missing repository", async () => {
    const repo = freshRepo();
    const c1 = (await commit(repo, { a: "1" }, null, "one")).body;
    const c2 = (await commit(repo, { a: "2" }, c1.commit, "two\n\nwith a body")).body;
    const c3 = (await commit(repo, { a: "3" }, c2.commit, "three")).body;
    const all = (await call("GET", `/repos/${repo}/log`)).body.commits;
    expect(all).toEqual([c3, c2, c1]);
    expect(all[1].message).toBe("two\n\nwith a body");
    expect((await call("GET", `/repos/${repo}/log?limit=2`)).body.commits.map((c: { commit: string }) => c.commit)).toEqual([
      c3.commit,
      c2.commit,
    ]);
    expect(await call("GET", `/repos/${freshRepo()}/log`)).toEqual({ status: 200, body: { commits: [] } });
  });

  it.each(["/abs.ts", "../up.ts", "a/../b.ts", "a//b.ts", "a/", "", "./a.ts", ".git/config", "a/.GIT/x", "x".repeat(513)])(
    "rejects the file path %j",
    async (path) => {
      const repo = freshRepo();
      const res = await commit(repo, { [path]: "x" }, null);
      expect(res.status).toBe(400);
      expect(existsSync(join(root, `${repo}.git`))).toBe(false);
    },
  );

  it("rejects a path that is both a file and a folder", async () => {
    expect((await commit(freshRepo(), { a: "1", "a/b": "2" }, null)).status).toBe(400);
  });

  it.each(["-bad", ".hidden", "a/b", "x".repeat(129), "a%2F..", "a b"])("rejects the repository name %j", async (name) => {
    expect((await call("GET", `/repos/${encodeURIComponent(name)}/head`)).status).toBeOneOf([400, 404]);
  });

  it("answers unknown refs, repositories and routes with 404 and bad input with 400", async () => {
    const repo = freshRepo();
    await commit(repo, { a: "1" }, null);
    expect(await call("GET", `/repos/${repo}/files?ref=${"0".repeat(40)}`)).toEqual({ status: 404, body: { error: "not_found" } });
    expect((await call("GET", `/repos/${repo}/files?ref=nope`)).status).toBe(404);
    expect((await call("GET", `/repos/${repo}/files?ref=../../HEAD`)).status).toBe(400);
    expect((await call("GET", `/repos/${freshRepo()}/files?ref=main`)).status).toBe(404);
    expect((await call("GET", `/repos/${repo}/elsewhere`)).status).toBe(404);
    expect((await call("GET", `/repos/${repo}/commit`)).status).toBe(404);
    expect((await call("GET", "/")).status).toBe(404);
    expect((await call("POST", `/repos/${repo}/commit`, "{not json")).status).toBe(400);
    expect((await call("POST", `/repos/${repo}/commit`, { files: {}, author, message: "m" })).status).toBe(400);
    expect((await call("GET", `/repos/${repo}/log?limit=0`)).status).toBe(400);
  });

  it.skipIf(!existsSync("/usr/bin/git"))("writes repositories that git itself reads and fsck accepts", async () => {
    const repo = freshRepo();
    const c1 = (await commit(repo, { "tools/a.ts": "a", "skills/s/SKILL.md": "s" }, null, "first")).body;
    await commit(repo, { "tools/a.ts": "b", "tools-x": "c" }, c1.commit, "second");
    const gitdir = join(root, `${repo}.git`);
    const git = (...args: string[]) => execFileSync("/usr/bin/git", ["-C", gitdir, ...args], { encoding: "utf8" });
    expect(git("log", "--oneline").trim().split("\n").map((l) => l.slice(8))).toEqual(["second", "first"]);
    git("fsck", "--strict");
    expect(git("show", `${c1.commit}:skills/s/SKILL.md`)).toBe("s");
  });
});
