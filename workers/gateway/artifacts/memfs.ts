// A promise fs held in memory: the ten calls isomorphic-git makes (its FileSystem wrapper), with the
// error codes it tests for (ENOENT, EEXIST, ENOTDIR, ENOTEMPTY, EISDIR). One per write, thrown away after.

type Node = { kind: "dir"; children: Set<string> } | { kind: "file"; data: Uint8Array } | { kind: "link"; target: string };

function fail(code: string, path: string): never {
  throw Object.assign(new Error(`${code}: ${path}`), { code });
}

/** `/a//b/./c/` → `/a/b/c`; paths are absolute, rooted at `/`. */
const norm = (path: string): string => `/${path.split("/").filter((s) => s !== "" && s !== ".").join("/")}`;
const parentOf = (path: string): string => path.slice(0, path.lastIndexOf("/")) || "/";
const nameOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

export function memfs() {
  const nodes = new Map<string, Node>([["/", { kind: "dir", children: new Set() }]]);
  let ino = 1;
  const inodes = new Map<Node, number>();

  const get = (path: string): Node => nodes.get(norm(path)) ?? fail("ENOENT", path);
  const dirAt = (path: string): { kind: "dir"; children: Set<string> } => {
    const node = get(path);
    return node.kind === "dir" ? node : fail("ENOTDIR", path);
  };
  function add(path: string, node: Node): void {
    const p = norm(path);
    if (nodes.has(p)) fail("EEXIST", path);
    dirAt(parentOf(p)).children.add(nameOf(p));
    nodes.set(p, node);
  }
  function remove(path: string): void {
    const p = norm(path);
    nodes.delete(p);
    dirAt(parentOf(p)).children.delete(nameOf(p));
  }
  function stats(node: Node) {
    if (!inodes.has(node)) inodes.set(node, ino++);
    const { kind } = node;
    const mode = kind === "dir" ? 0o40755 : kind === "link" ? 0o120000 : 0o100644;
    const size = kind === "file" ? node.data.byteLength : 0;
    return {
      type: kind, mode, size, ino: inodes.get(node), uid: 1, gid: 1, dev: 1, mtimeMs: 0, ctimeMs: 0,
      isFile: () => kind === "file", isDirectory: () => kind === "dir", isSymbolicLink: () => kind === "link",
    };
  }

  return {
    async readFile(path: string, options?: { encoding?: string } | string) {
      const node = get(path);
      if (node.kind === "dir") fail("EISDIR", path);
      const data = node.kind === "file" ? node.data : new TextEncoder().encode(node.target);
      const encoding = typeof options === "string" ? options : options?.encoding;
      return encoding === "utf8" || encoding === "utf-8" ? new TextDecoder().decode(data) : data;
    },
    async writeFile(path: string, data: Uint8Array | string) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
      const existing = nodes.get(norm(path));
      if (existing?.kind === "dir") fail("EISDIR", path);
      if (existing) nodes.set(norm(path), { kind: "file", data: bytes });
      else add(path, { kind: "file", data: bytes });
    },
    async mkdir(path: string) {
      add(path, { kind: "dir", children: new Set() });
    },
    async rmdir(path: string) {
      if (dirAt(path).children.size > 0) fail("ENOTEMPTY", path);
      remove(path);
    },
    async unlink(path: string) {
      if (get(path).kind === "dir") fail("EISDIR", path);
      remove(path);
    },
    async stat(path: string) {
      const node = get(path); // follows one level of symlink, which is all a git dir ever holds
      return stats(node.kind === "link" ? get(node.target.startsWith("/") ? node.target : `${parentOf(norm(path))}/${node.target}`) : node);
    },
    async lstat(path: string) {
      return stats(get(path));
    },
    async readdir(path: string) {
      return [...dirAt(path).children];
    },
    async readlink(path: string) {
      const node = get(path);
      return node.kind === "link" ? node.target : fail("EINVAL", path);
    },
    async symlink(target: string, path: string) {
      add(path, { kind: "link", target });
    },
  };
}
