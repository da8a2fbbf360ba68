import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { JsonValue } from "../../../schemas";
import { ArtifactName } from "../../../schemas";
import { authorFile } from "../artifacts/author";
import { rankSkills, readSkill, skillHit, skillMarkdown, skillUri, visibleSkills } from "../artifacts/skills";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { errorResult, structured, toolError } from "./results";

/** Read skills: listed for every credential, beside search. */
export const SKILLS_TOOL: Tool = {
  name: "skills",
  title: "Read skills",
  description:
    "Skills are your organization's know-how as Markdown: how to do a task, which tools to use. Without arguments, lists the skills you can read; with `query`, finds skills by words; with `name`, returns one skill's full text.",
  inputSchema: {
    type: "object",
    properties: {
      name: { type: "string", description: "A skill's name, to read it whole" },
      query: { type: "string", description: "Words describing the task" },
    },
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
};

/** Listed only where the credential has the author-tools capability. */
export const AUTHOR_TOOLS: Tool[] = [
  {
    name: "author_tool",
    title: "Write a custom tool",
    description: [
      "Write a tool as TypeScript and deploy it into your own scope; it then appears in search and runs in a sandbox with no more authority than you have.",
      "The file is a module: import { defineTool } from \"executor\" (and optionally import { z } from \"zod\"), then",
      "export default defineTool({ name, description, sideEffect: \"read\" | \"write\" | \"destructive\", calls: [\"<source>.*.*.<tool>\"], input: z.object({...}) or a JSON Schema, output?, handler: async (args, ctx) => result }).",
      "ctx.tools calls the tools listed in `calls` (e.g. await ctx.tools.github[ctx.connection].issues_list({...})); ctx.connection is the connection the caller chose. No network, no secrets.",
      "A compile error comes back with its line and column, and nothing is deployed.",
    ].join("\n"),
    inputSchema: {
      type: "object",
      properties: {
        name: { type: "string", description: "The tool's name (lower-case, a-z 0-9 _ -); also its file name" },
        code: { type: "string", description: "The whole TypeScript module" },
        message: { type: "string", description: "A commit message for the change" },
      },
      required: ["name", "code"],
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  },
  {
    name: "create_skill",
    title: "Write a skill",
    description: "Write a skill (Markdown know-how other agents find beside tools) into your own scope. Give a name, a one-line description and the Markdown body.",
    inputSchema: {
      type: "object",
      properties: {
        name: { type: "string", description: "The skill's name (lower-case, a-z 0-9 _ -)" },
        description: { type: "string", description: "One line: when to use this skill" },
        body: { type: "string", description: "The skill itself, as Markdown" },
      },
      required: ["name", "description", "body"],
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  },
];

const SkillsArgs = z.object({ name: ArtifactName.optional(), query: z.string().max(512).optional() });
const AuthorArgs = z.object({ name: ArtifactName, code: z.string().min(1).max(256 * 1024), message: z.string().trim().min(1).max(500).optional() });
const SkillArgs = z.object({ name: ArtifactName, description: z.string().trim().min(1).max(1024), body: z.string().trim().min(1).max(256 * 1024) });

function invalid(error: z.ZodError): CallToolResult {
  const issue = error.issues[0];
  return toolError("invalid_arguments", `${issue?.path.join(".") || "arguments"}: ${issue?.message ?? "invalid"}`);
}

export function mayAuthor(auth: AuthContext): boolean {
  return auth.grant.capabilities.includes("author-tools");
}

/** Handles skills, author_tool and create_skill; null for any other name (or authoring without the capability). */
export async function callAuthorTool(env: Env, auth: AuthContext, name: string, args: unknown): Promise<CallToolResult | null> {
  if ((name === "author_tool" || name === "create_skill") && !mayAuthor(auth)) return null;
  try {
    switch (name) {
      case "skills": {
        const a = SkillsArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const all = await visibleSkills(env, auth.principal);
        if (a.data.name) {
          const found = all.find((s) => s.name === a.data.name);
          if (!found) return toolError("not_found", `no skill '${a.data.name}' you can read`);
          return structured({ ...skillHit(found), body: found.body, commit: found.commit }, skillMarkdown(found));
        }
        return structured({ skills: rankSkills(all, a.data.query ?? "", 50).map(skillHit) as unknown as JsonValue });
      }
      case "author_tool": {
        const a = AuthorArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const record = await authorFile(env, auth, { path: `tools/${a.data.name}.ts`, text: a.data.code }, a.data.message ?? `Author tool ${a.data.name}`);
        const address = `custom.${record.scope}.default.${a.data.name}`;
        return structured({ address, commit: record.commit?.commit ?? null, record: record as unknown as JsonValue }, `Deployed ${address} at ${record.commit?.commit}. Call it with execute.`);
      }
      case "create_skill": {
        const a = SkillArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const text = `---\nname: ${a.data.name}\ndescription: ${JSON.stringify(a.data.description)}\n---\n\n${a.data.body}\n`;
        const record = await authorFile(env, auth, { path: `skills/${a.data.name}/SKILL.md`, text }, `Create skill ${a.data.name}`);
        const uri = skillUri({ scope: record.scope, name: a.data.name });
        return structured({ uri, commit: record.commit?.commit ?? null }, `Saved ${uri}.`);
      }
      default:
        return null;
    }
  } catch (error) {
    return errorResult(error);
  }
}

export { readSkill, skillMarkdown, skillUri, visibleSkills };
