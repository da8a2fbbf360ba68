import { describe, expect, it } from "vitest";
import { MAX_ARGUMENT_CHARS, MappingTooLarge, parseRef, refsIn, substitute } from "./mapping";

const ctx = { steps: { fetch: [{ number: 1, title: "a" }], big: "x".repeat(400_000) }, trigger: { kind: "manual", payload: { n: 7, "odd key": "v" }, firedAt: "2026-12-02T09:00:00.000Z" } };

describe("the workflow mapping language", () => {
  it("puts whole references in as values and embedded ones as text", () => {
    expect(substitute({ rows: "${steps.fetch.output}", first: "${steps.fetch.output[0].title}", n: "${trigger.payload.n}", note: "n=${trigger.payload.n} at ${trigger.firedAt}" }, ctx)).toEqual({
      rows: [{ number: 1, title: "a" }],
      first: "a",
      n: 7,
      note: "n=7 at 2026-12-02T09:00:00.000Z",
    });
    expect(substitute('${trigger.payload["odd key"]}', ctx)).toBe("v");
    expect(substitute("${steps.fetch.output[9].title}", ctx)).toBeNull();
  });

  it("reads only: a __proto__ path leads nowhere and pollutes nothing", () => {
    expect(substitute("${trigger.payload.__proto__.polluted}", ctx)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("names what is wrong with a reference", () => {
    expect(parseRef("steps.x.outputs")).toMatchObject({ error: expect.stringMatching(/cannot read/) });
    expect(parseRef("env.SECRET")).toMatchObject({ error: expect.stringMatching(/must start with/) });
    expect(refsIn({ a: ["${steps.one.output}"], b: { c: "x ${trigger.payload} y" } })).toEqual([
      { at: "a[0]", text: "steps.one.output", whole: true },
      { at: "b.c", text: "trigger.payload", whole: false },
    ]);
  });

  it("refuses arguments that references would blow up beyond the bound", () => {
    const many = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`k${i}`, "${steps.big.output}"]));
    expect(() => substitute(many, ctx)).toThrow(MappingTooLarge);
    expect(JSON.stringify(substitute({ one: "${steps.big.output}" }, ctx)).length).toBeLessThan(MAX_ARGUMENT_CHARS);
  });
});
