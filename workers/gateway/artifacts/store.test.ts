import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ArtifactConflict, artifactStore, repoForScope } from "./store";

// Runs in workerd against the real `GIT` binding: scripts/git-backend.mjs in the vitest process.
const store = artifactStore(env);
const author = { name: "Ada", email: "ada@example.com" };
let counter = 0;
const freshRepo = (): string => `store-test-${Date.now().toString(36)}-${++counter}`;

describe("artifactStore over the GIT binding", () => {
  it("commits whole trees, moves the head and reads files at any commit", async () => {
    const repo = freshRepo();
    expect(await store.head(repo)).toBeNull();
    const c1 = await store.commit(repo, {
      files: { "tools/weather.ts": "export default 'sunny';\n", "skills/weather/SKILL.md": "# Weather\n" },
      author,
      message: "add weather",
      expectedHead: null,
    });
    expect(c1).toMatchObject({ message: "add weather", author, parents: [] });
    expect(await store.head(repo)).toBe(c1.commit);

    const c2 = await store.commit(repo, {
      files: { "tools/weather.ts": "export default 'rain';\n" },
      author,
      message: "rain",
      expectedHead: c1.commit,
    });
    expect(c2.parents).toEqual([c1.commit]);
    expect(await store.files(repo, c1.commit)).toEqual({
      "tools/weather.ts": "export default 'sunny';\n",
      "skills/weather/SKILL.md": "# Weather\n",
    });
    expect(await store.files(repo, "main")).toEqual({ "tools/weather.ts": "export default 'rain';\n" });
  });

  it("refuses a commit on a stale head with ArtifactConflict carrying the current head", async () => {
    const repo = freshRepo();
    const c1 = await store.commit(repo, { files: { a: "1" }, author, message: "one", expectedHead: null });
    const c2 = await store.commit(repo, { files: { a: "2" }, author, message: "two", expectedHead: c1.commit });
    const stale = store.commit(repo, { files: { a: "3" }, author, message: "three", expectedHead: c1.commit });
    await expect(stale).rejects.toBeInstanceOf(ArtifactConflict);
    await expect(stale).rejects.toMatchObject({ head: c2.commit });
    expect(await store.head(repo)).toBe(c2.commit);
  });

  it("lists history newest first and honours the limit", async () => {
    const repo = freshRepo();
    const c1 = await store.commit(repo, { files: { a: "1" }, author, message: "one", expectedHead: null });
    const c2 = await store.commit(repo, { files: { a: "2" }, author, message: "two", expectedHead: c1.commit });
    expect(await store.log(repo)).toEqual([c2, c1]);
    expect((await store.log(repo, { limit: 1 })).map((c) => c.commit)).toEqual([c2.commit]);
    expect(await store.log(freshRepo())).toEqual([]);
  });

  it("answers null for files of an unknown repository or ref", async () => {
    const repo = freshRepo();
    expect(await store.files(repo, "main")).toBeNull();
    await store.commit(repo, { files: { a: "1" }, author, message: "one", expectedHead: null });
    expect(await store.files(repo, "f".repeat(40))).toBeNull();
  });

  it("rejects invalid file paths and repository names without writing", async () => {
    const repo = freshRepo();
    await expect(
      store.commit(repo, { files: { "../escape": "x" }, author, message: "bad", expectedHead: null }),
    ).rejects.toThrow(/400/);
    expect(await store.head(repo)).toBeNull();
    await expect(store.head("../etc")).rejects.toThrow(/not an artifact repository name/);
  });

  it("names one repository per scope with only characters git remotes accept", () => {
    expect(repoForScope("org_abc123")).toBe("scope-org_abc123");
    expect(repoForScope("user_xyz")).toBe("scope-user_xyz");
    expect(repoForScope("a/b c")).toBe("scope-a-b-c");
  });

  it("says so when no backend is configured", () => {
    expect(() => artifactStore({})).toThrow(/no artifact store is configured/);
  });
});
