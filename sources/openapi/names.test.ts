import { describe, expect, it } from "vitest";
import { ToolName } from "../../schemas";
import { derivedName, sanitizeName, uniqueNames } from "./names";

describe("tool names", () => {
  it("keeps operationIds that already fit the ToolName grammar, including GitHub's `repos/get`", () => {
    expect(sanitizeName("repos/get")).toBe("repos/get");
    expect(sanitizeName("listPets")).toBe("listPets");
    expect(sanitizeName("v1.pets-list")).toBe("v1.pets-list");
  });

  it("replaces other characters, collapses underscores and fixes the first character", () => {
    expect(sanitizeName("list pets (all)!")).toBe("list_pets_all");
    expect(sanitizeName("/pets")).toBe("_/pets");
    expect(sanitizeName("-x")).toBe("_-x");
    expect(sanitizeName("ペット")).toBe("_");
    expect(sanitizeName("a".repeat(300))).toHaveLength(128);
  });

  it("derives <method>_<path> without braces", () => {
    expect(derivedName("GET", "/pets/{petId}/toys")).toBe("get_pets_petId_toys");
    expect(derivedName("DELETE", "/")).toBe("delete");
    expect(derivedName("POST", "/v1/{a.b}:batch")).toBe("post_v1_a.b_batch");
  });

  it("dedupes in order with _2, _3 … and never exceeds 128 characters", () => {
    expect(uniqueNames(["a", "a", "b", "a", "a_2"])).toEqual(["a", "a_2", "b", "a_3", "a_2_2"]);
    const long = "x".repeat(128);
    const [first, second] = uniqueNames([long, long]);
    expect(first).toBe(long);
    expect(second).toBe(`${"x".repeat(126)}_2`);
  });

  it("always produces valid ToolNames", () => {
    const raw = ["", " ", "..", "__", "a b", "-", "/", "ß", "\u0000x", "x".repeat(500), "_".repeat(3)];
    for (const name of uniqueNames(raw.map(sanitizeName))) expect(ToolName.safeParse(name).success).toBe(true);
  });
});
