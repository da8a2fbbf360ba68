import { describe, expect, it } from "vitest";
import { commentText, docComment, inlineComment } from "./jsdoc";
import { statementKinds } from "./testing/compile";

describe("comments from untrusted text", () => {
  it("breaks every star-slash, so the comment ends only where we end it", () => {
    const doc = docComment(["a */ b **/ c"], "");
    expect(doc).toBe("/** a *\\/ b **\\/ c */\n");
    expect(statementKinds(`${doc}type T = 1;`)).toEqual(["type"]);
  });

  it("escapes the finished line, so pieces joined after cleaning cannot close it either", () => {
    const pattern = commentText("^x/*", 100);
    const doc = docComment([`Keys matching /${pattern}/`], "");
    expect(doc).toBe("/** Keys matching /^x/*\\/ */\n");
    expect(statementKinds(`${inlineComment(`${pattern}/ const x = 1;`, 200)} type T = 1;`)).toEqual(["type"]);
  });

  it("removes control and bidi characters and turns Unicode line terminators into line breaks", () => {
    expect(commentText("a\u0000b\u202ec\u2066d\r\ne\u2028f", 100)).toBe("abcd\ne\nf");
    expect(docComment(["one\u2028two"], "  ")).toBe("  /**\n   * one\n   * two\n   */\n");
    expect(inlineComment("x\ny\u2029z", 100)).toBe("/* x y z */");
  });

  it("cuts long text without splitting a surrogate pair", () => {
    expect(commentText("abcdef", 4)).toBe("abc…");
    expect(commentText("ab😀cd", 4)).toBe("ab…");
  });

  it("writes nothing for nothing, one line when short, and a block otherwise", () => {
    expect(docComment([], "")).toBe("");
    expect(docComment(["", "  "], "")).toBe("");
    expect(docComment(["short"], "    ")).toBe("    /** short */\n");
    expect(docComment(["para one", "", "@deprecated"], "")).toBe("/**\n * para one\n *\n * @deprecated\n */\n");
  });
});
