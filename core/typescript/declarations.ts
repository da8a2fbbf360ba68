import { commentText, docComment } from "./jsdoc";
import type { TypeScriptLimits } from "./limits";
import { TypeNames } from "./names";

/** What a tool's declarations are made from (a ToolDefinition or a catalog row fits). */
export interface ToolSchemas {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
  readonly outputSchema?: unknown;
}

export interface ToolDeclarations {
  /** The function type: `(args: <inputType>) => Promise<<outputType>>`. */
  readonly typeName: string;
  readonly inputType: string;
  readonly outputType: string;
  /** `type <inputType> = …` and every type it needs: compiles on its own. */
  readonly input: string;
  /** `type <outputType> = …` and every type it needs: compiles on its own. */
  readonly output: string;
  /** The function type with the tool's description, then input and output, each type once. */
  readonly text: string;
  /** Whether a size cap left anything out (the declarations then say where). */
  readonly truncated: boolean;
}

export interface DeclarationOptions {
  /** A registry to share: a toolkit's SDK passes one for all its tools, so shared types are declared once. */
  readonly names?: TypeNames;
  readonly limits?: Partial<TypeScriptLimits>;
}

/** A tool's description is the model's main documentation: longer than a property's. */
const TOOL_DOC_CHARS = 2048;

/**
 * TypeScript declarations for calling one tool: `tools.<source>.<connection>.<tool>(args)` takes one
 * arguments object and resolves to the tool's output. Names come from the tool's name
 * (`issues/create` → `IssuesCreate`, `IssuesCreateInput`, `IssuesCreateOutput`).
 *
 * No input schema: any arguments object (`{ [key: string]: unknown }`). No output schema: `unknown`.
 * Input and output each get their own budget of `limits.maxChars` (limits.ts), so `text` is at most
 * twice that plus the function type and the description.
 */
export function declarationsFor(tool: ToolSchemas, options: DeclarationOptions = {}): ToolDeclarations {
  const names = options.names ?? new TypeNames(options.limits === undefined ? {} : { limits: options.limits });
  const typeName = names.claim(tool.name);
  const input = names.declare(`${typeName}Input`, tool.inputSchema ?? { type: "object" });
  const output = names.declare(`${typeName}Output`, tool.outputSchema ?? true);
  const description = tool.description === undefined ? [] : [commentText(tool.description, TOOL_DOC_CHARS)];
  const signature = `${docComment(description, "")}type ${typeName} = (args: ${input.name}) => Promise<${output.name}>;\n`;
  return {
    typeName,
    inputType: input.name,
    outputType: output.name,
    input: names.print([input.name]),
    output: names.print([output.name]),
    text: `${signature}\n${names.print([input.name, output.name])}`,
    truncated: input.truncated || output.truncated,
  };
}

/**
 * `schema` as a type expression, for callers composing their own declarations (an SDK's namespaces);
 * `root` is the document its `$ref`s point into (the schema itself unless it was cut from a larger
 * one), and `names` collects the aliases, which `names.print` or `names.printAll` then writes.
 */
export function schemaToType(schema: unknown, options: { readonly root?: unknown; readonly names: TypeNames; readonly maxChars?: number }): string {
  return options.names.expression(schema, options.root ?? schema, options.maxChars).type;
}
