import { parse as parseYaml } from "yaml";
import { compileTool } from "../../../dynamic-plugins/custom/compile";
import type { CompiledTool } from "../../../dynamic-plugins/custom/compile";
import { describeCustomTool, describeCustomTools } from "../../../dynamic-plugins/custom/sandbox";

type BatchAnswer = NonNullable<Awaited<ReturnType<typeof describeCustomTools>>>[number];
import type { CustomInvocation, DescribedTool as Described, JsonObject } from "../../../schemas";
import { ARTIFACT_LIMITS, ArtifactName, DescribedTool, SkillFrontMatter } from "../../../schemas";
import { JSON_LIMITS, describeBreach, scanJsonValue } from "../../../core/json";
import { validateArguments } from "../../invoke/arguments";
import { HttpError } from "../../shared/problem";
import type { CheckedWorkflow } from "./workflows";
import { WORKFLOW_FILE, checkWorkflowFile } from "./workflows";

export type FileIssue = { path: string; message: string; line?: number; column?: number };
export type CheckedTool = Described & { file: string; module: string; usesZod: boolean };
export type CheckedSkill = { name: string; description: string; body: string; public: boolean; file: string };
export type CheckedSet = { files: Record<string, string>; tools: CheckedTool[]; skills: CheckedSkill[]; workflows: CheckedWorkflow[] };

const TOOL_FILE = /^tools\/([^/]+)\.(ts|js|mts|mjs)$/;
const SKILL_FILE = /^skills\/([^/]+)\/SKILL\.md$/;
const SKILL_EXTRA = /^skills\/([^/]+)\/[^/].*\.(md|txt|json)$/;
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** `executor/tools/a.ts` and `tools/a.ts` are the same file: the repository holds what `executor/` holds. */
export function normalizePath(path: string): string {
  return path.replace(/^\.?\//, "").replace(/^executor\//, "");
}

export function refuse(status: 409 | 413 | 422, issues: FileIssue[]): never {
  const first = issues[0];
  const where = first ? `${first.path}${first.line ? `:${first.line}:${first.column ?? 1}` : ""}: ${first.message}` : "the files are invalid";
  const type = status === 413 ? "payload-too-large" : status === 409 ? "conflict" : "validation-failed";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new HttpError(status, type, `${where}${more}`, { errors: issues });
}

function checkSkill(file: string, dir: string, text: string, issues: FileIssue[]): CheckedSkill | null {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    issues.push({ path: file, message: "a SKILL.md starts with front matter between '---' lines (name, description)", line: 1, column: 1 });
    return null;
  }
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? "", { maxAliasCount: 10 });
  } catch (error) {
    const e = error as { message?: string; linePos?: Array<{ line: number; col: number }> };
    issues.push({ path: file, message: `front matter: ${String(e.message ?? "not YAML").split("\n")[0]}`, line: (e.linePos?.[0]?.line ?? 0) + 1, column: e.linePos?.[0]?.col ?? 1 });
    return null;
  }
  const parsed = SkillFrontMatter.safeParse(data);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: `${file}#${i.path.join(".") || "front matter"}`, message: i.message });
    return null;
  }
  if (parsed.data.name !== dir) {
    issues.push({ path: `${file}#name`, message: `the skill's name '${parsed.data.name}' must be its folder's name '${dir}'` });
    return null;
  }
  const body = (match[2] ?? "").trim();
  if (!body) issues.push({ path: file, message: "the skill has no body after its front matter" });
  return { ...parsed.data, body, file };
}

type Compiled = { file: string; name: string; compiled: CompiledTool };

function compileOne(file: string, name: string, text: string, issues: FileIssue[], tooLarge: FileIssue[]): Compiled | null {
  const compiled = compileTool(file, text);
  if (!compiled.ok) {
    issues.push({ path: compiled.file, message: compiled.message, line: compiled.line, column: compiled.column });
    return null;
  }
  if (compiled.module.length > ARTIFACT_LIMITS.moduleChars) {
    tooLarge.push({ path: file, message: `the compiled module is ${compiled.module.length} characters, over the limit of ${ARTIFACT_LIMITS.moduleChars}` });
    return null;
  }
  return { file, name, compiled };
}

async function checkTool(loader: WorkerLoader, { file, name, compiled }: Compiled, batched: BatchAnswer | undefined, issues: FileIssue[], tooLarge: FileIssue[]): Promise<CheckedTool | null | "timeout"> {
  const described = batched ?? (await describeCustomTool(loader, compiled));
  if (!described.ok) {
    issues.push({ path: file, message: `the module did not load: ${described.message}` });
    return described.timedOut ? "timeout" : null;
  }
  // The sandbox's answer is untrusted: bounded like any request before anything reads it.
  const breach = scanJsonValue(described.value, JSON_LIMITS.request);
  if (breach) {
    issues.push({ path: file, message: `the definition ${describeBreach(breach)}` });
    return null;
  }
  const parsed = DescribedTool.safeParse(described.value);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: `${file}#${i.path.join(".")}`, message: i.message });
    return null;
  }
  const tool = parsed.data;
  for (const [field, schema] of [["input", tool.inputSchema], ["output", tool.outputSchema]] as const) {
    const size = schema ? JSON.stringify(schema).length : 0;
    if (size > ARTIFACT_LIMITS.schemaChars) tooLarge.push({ path: `${file}#${field}`, message: `the ${field} schema is ${size} characters of JSON, over the limit of ${ARTIFACT_LIMITS.schemaChars}` });
  }
  if (tooLarge.some((i) => i.path.startsWith(`${file}#`))) return null;
  if (tool.name !== name) {
    issues.push({ path: `${file}#name`, message: `the tool's name '${tool.name}' must be its file's name '${name}'` });
    return null;
  }
  const input = tool.inputSchema ?? { type: "object", properties: {} };
  if (input.type !== "object") issues.push({ path: `${file}#input`, message: "the input schema must describe an object (type: object)" });
  else if (validateArguments(input as JsonObject, {}).some((i) => i.path === "(tool input schema)")) issues.push({ path: `${file}#input`, message: "the input schema is not a valid JSON Schema" });
  return { ...tool, inputSchema: input, file, module: compiled.module, usesZod: compiled.usesZod };
}

/**
 * Checks a set of authored files as a deploy would run them: every tool compiled and loaded in its
 * own sandbox to read its definition (name = file name, description, side effect, the tools it may
 * call, input/output schemas), every skill's front matter and body. Answers the checked set, or
 * refuses with every problem found: 413 over a size limit, 422 naming file, line and column.
 */
export async function checkArtifacts(loader: WorkerLoader, raw: Record<string, string>): Promise<CheckedSet> {
  const issues: FileIssue[] = [];
  const tooLarge: FileIssue[] = [];
  const files: Record<string, string> = {};
  let total = 0;
  for (const [path, text] of Object.entries(raw)) {
    const file = normalizePath(path);
    // The same rule the repository applies, checked first so a check never passes what a deploy refuses.
    if (file.split("/").some((s) => s === "" || s === "." || s === ".." || s.toLowerCase() === ".git" || s.includes("\0"))) {
      issues.push({ path, message: "a path is made of names separated by '/', without empty, '.', '..' or '.git' parts" });
      continue;
    }
    if (file in files) issues.push({ path, message: `'${file}' is given twice` });
    files[file] = text;
    total += text.length;
    if (text.length > ARTIFACT_LIMITS.fileChars) tooLarge.push({ path: file, message: `the file is ${text.length} characters, over the limit of ${ARTIFACT_LIMITS.fileChars}` });
  }
  if (Object.keys(files).length > ARTIFACT_LIMITS.files) tooLarge.push({ path: "files", message: `${Object.keys(files).length} files, over the limit of ${ARTIFACT_LIMITS.files}` });
  if (total > ARTIFACT_LIMITS.totalChars) tooLarge.push({ path: "files", message: `${total} characters in all, over the limit of ${ARTIFACT_LIMITS.totalChars}` });
  if (tooLarge.length) refuse(413, tooLarge);

  const tools: Compiled[] = [];
  const skills: CheckedSkill[] = [];
  const workflows: CheckedWorkflow[] = [];
  for (const [file, text] of Object.entries(files)) {
    const flow = WORKFLOW_FILE.exec(file);
    if (flow) {
      const checked = ArtifactName.safeParse(flow[1]).success ? checkWorkflowFile(file, flow[1] ?? "", text, issues) : null;
      if (!ArtifactName.safeParse(flow[1]).success) issues.push({ path: file, message: `the name '${flow[1] ?? ""}' is not a valid workflow name` });
      if (checked && workflows.some((w) => w.name === checked.name)) issues.push({ path: file, message: `workflow '${checked.name}' is given twice` });
      else if (checked) workflows.push(checked);
      continue;
    }
    const tool = TOOL_FILE.exec(file);
    const skill = SKILL_FILE.exec(file);
    const name = tool?.[1] ?? skill?.[1] ?? SKILL_EXTRA.exec(file)?.[1];
    if (name === undefined) {
      issues.push({ path: file, message: "not an artifact: tools are tools/<name>.ts, skills are skills/<name>/SKILL.md and workflows are workflows/<name>.yaml" });
      continue;
    }
    const named = ArtifactName.safeParse(name);
    if (!named.success) {
      issues.push({ path: file, message: `the name '${name}' ${named.error.issues[0]?.message ?? "is invalid"}` });
      continue;
    }
    if (tool) {
      const compiled = compileOne(file, name, text, issues, tooLarge);
      if (compiled) tools.push(compiled);
    }
    else if (skill) {
      const checked = checkSkill(file, name, text, issues);
      if (checked) skills.push(checked);
    }
  }
  if (tooLarge.length) refuse(413, tooLarge);
  // All modules described in one isolate when they all load; otherwise each in its own, a few at a
  // time (DESIGN §7: at most 4 in flight per request), which names the module at fault. A module
  // that never finishes loading keeps its isolate busy: stop loading more after one.
  const batch = issues.length === 0 ? await describeCustomTools(loader, tools.map((t) => t.compiled)) : null;
  const checked: Array<CheckedTool | null | "timeout"> = [];
  for (let i = 0; i < tools.length && !checked.includes("timeout"); i += 4) {
    checked.push(...(await Promise.all(tools.slice(i, i + 4).map((t, j) => checkTool(loader, t, batch?.[i + j], issues, tooLarge)))));
  }
  if (checked.length < tools.length) issues.push({ path: "files", message: `${tools.length - checked.length} more tools were not checked: a module did not finish loading` });
  if (tooLarge.length) refuse(413, tooLarge);
  if (issues.length) refuse(422, issues);
  return { files, tools: checked.filter((t): t is CheckedTool => t !== null && t !== "timeout"), skills, workflows };
}

export function invocationOf(tool: CheckedTool, author: CustomInvocation["author"]): CustomInvocation {
  return { file: tool.file, module: tool.module, usesZod: tool.usesZod, calls: tool.calls, author };
}
