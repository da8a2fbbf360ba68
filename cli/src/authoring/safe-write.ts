import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT } from "../context";

/**
 * Writing files under a folder without following symbolic links: `pull` (paths from the server) and
 * `init` write only real files in real folders below DIR, so a link (dangling or not) can never send
 * a write elsewhere. Every component below DIR is lstat'ed; the file is written to a temp file in
 * its folder and renamed over the target (rename replaces a name, it never follows a link).
 */

function kind(path: string): "missing" | "dir" | "file" | "link" | "other" {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return "link";
    return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
}

const linkError = (rel: string): CliError => new CliError(`${rel} is a symbolic link; refusing to write through it`, EXIT.failed);

/** Each folder of `rel` (a /-separated path below dir) exists as a real folder, created if missing. */
function folders(dir: string, rel: string): void {
  const parts = rel.split("/").slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join("/");
    const k = kind(join(dir, sub));
    if (k === "link") throw linkError(sub);
    if (k === "missing") mkdirSync(join(dir, sub));
    else if (k !== "dir") throw new CliError(`${sub} is not a folder`, EXIT.failed);
  }
}

/** The file's text, or null when there is none; refuses links anywhere on the path. */
export function readLocal(dir: string, rel: string): string | null {
  const parts = rel.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join("/");
    const k = kind(join(dir, sub));
    if (k === "link") throw linkError(sub);
    if (k === "missing") return null;
    if (i === parts.length && k !== "file") throw new CliError(`${sub} is not a file`, EXIT.failed);
  }
  return readFileSync(join(dir, rel), "utf8");
}

export function writeLocal(dir: string, rel: string, text: string): void {
  folders(dir, rel);
  const target = join(dir, rel);
  const k = kind(target);
  if (k === "link") throw linkError(rel);
  if (k !== "missing" && k !== "file") throw new CliError(`${rel} is not a file`, EXIT.failed);
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, text, { flag: "wx" });
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
