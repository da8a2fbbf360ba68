import { describe, expect, it } from "vitest";
import { IdentifierPool, propertyKey, RESERVED_NAMES, stringLiteral, typeIdentifier } from "./identifiers";

describe("identifiers from untrusted names", () => {
  it("writes identifiers bare and quotes every other property name", () => {
    expect(propertyKey("login")).toBe("login");
    expect(propertyKey("$ref")).toBe("$ref");
    expect(propertyKey("default")).toBe("default");
    expect(propertyKey("a-b")).toBe('"a-b"');
    expect(propertyKey("1st")).toBe('"1st"');
    expect(propertyKey("")).toBe('""');
    expect(propertyKey("é")).toBe('"é"');
  });

  it("escapes quotes, backslashes, controls, lone surrogates and U+2028/U+2029 in string literals", () => {
    expect(stringLiteral('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(stringLiteral("\u2028\u2029")).toBe('"\\u2028\\u2029"');
    expect(stringLiteral("\ud800")).toBe('"\\ud800"');
  });

  it("makes PascalCase ASCII type names, never starting with a digit, within the length cap", () => {
    expect(typeIdentifier("simple-user", 64)).toBe("SimpleUser");
    expect(typeIdentifier("issues/create", 64)).toBe("IssuesCreate");
    expect(typeIdentifier("petStore.v2", 64)).toBe("PetStoreV2");
    expect(typeIdentifier("2fa", 64)).toBe("_2fa");
    expect(typeIdentifier("ユーザー", 64)).toBe("Type");
    expect(typeIdentifier("*/ x", 64, "Ref")).toBe("X");
    expect(typeIdentifier("a".repeat(100), 10)).toBe("Aaaaaaaaaa");
  });

  it("hands out each name once and never a reserved one", () => {
    const pool = new IdentifierPool(8, ["Mine"]);
    expect(["User", "User", "User", "Promise", "Mine", "Record"].map((n) => pool.claim(n))).toEqual(["User", "User2", "User3", "Promise2", "Mine2", "Record2"]);
    expect(pool.claim("Abcdefghij")).toBe("Abcdefgh");
    expect(pool.claim("Abcdefghij")).toBe("Abcdefgh2");
    expect(() => pool.claim("not valid")).toThrow(TypeError);
    expect(RESERVED_NAMES.has("Date")).toBe(true);
  });
});
