/**
 * Test-only: the real TypeScript compiler over generated declarations, in memory. Syntax through
 * `ts.transpileModule` (what a sandbox's transpiler sees), types through one `ts.createProgram`
 * whose host serves our files from a map and TypeScript's own lib files from disk (parsed once).
 */
import ts from "typescript";

export interface CompileError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  // Every file is a module of its own, so two tools' `type SimpleUser` never meet.
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ["lib.es2023.d.ts"],
  types: [],
  skipLibCheck: true,
};

const libFiles = new Map<string, ts.SourceFile>();

/** Syntax errors as the transpiler reports them (no type information). */
export function syntaxErrors(text: string): string[] {
  const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** Every syntax and type error in `files` (name → text), with strict checking. */
export function typeErrors(files: ReadonlyMap<string, string>): CompileError[] {
  const host = ts.createCompilerHost(OPTIONS);
  const readLib = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) => {
    const text = files.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, language);
    let lib = libFiles.get(name);
    if (lib === undefined) {
      lib = readLib(name, language);
      if (lib !== undefined) libFiles.set(name, lib);
    }
    return lib;
  };
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram([...files.keys()], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file === undefined || d.start === undefined ? undefined : d.file.getLineAndCharacterOfPosition(d.start);
    return { file: d.file?.fileName ?? "", line: (where?.line ?? -1) + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
  });
}

/** Errors in one snippet (a module), for unit tests. */
export function snippetErrors(text: string): string[] {
  return typeErrors(new Map([["snippet.ts", text]])).map((e) => `${e.line}: ${e.message}`);
}

/** What each top-level statement is (`type`, `variable`, or its syntax kind): what a text can make a program do. */
export function statementKinds(text: string): string[] {
  const file = ts.createSourceFile("check.ts", text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return file.statements.map((statement) => {
    if (ts.isTypeAliasDeclaration(statement)) return "type";
    if (ts.isVariableStatement(statement)) return "variable";
    return ts.SyntaxKind[statement.kind];
  });
}
