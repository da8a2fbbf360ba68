/**
 * ECMA-262 §22.2.2.9 Unicode property escapes in RE2 spelling. ECMAScript accepts a General_Category
 * value or a binary property alone (`\p{L}`, `\p{Letter}`, `\p{Alphabetic}`) and `Name=Value` for the
 * category and the script (`\p{gc=Lu}`, `\p{Script=Greek}`); RE2 knows short category names and
 * script names alone (`\p{Lu}`, `\p{Greek}`). A name RE2 does not know fails its compile, and the
 * pattern is then refused as a whole (compile.ts), never matched with another meaning.
 */

export type PropertySet = { ok: true; inside: string; outside: string } | { ok: false; reason: string };

/** General_Category values and their aliases (Unicode PropertyValueAliases.txt), short name first. */
const CATEGORY: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ["L", "Letter"], ["LC", "Cased_Letter"], ["Lu", "Uppercase_Letter"], ["Ll", "Lowercase_Letter"],
      ["Lt", "Titlecase_Letter"], ["Lm", "Modifier_Letter"], ["Lo", "Other_Letter"], ["M", "Mark", "Combining_Mark"],
      ["Mn", "Nonspacing_Mark"], ["Mc", "Spacing_Mark"], ["Me", "Enclosing_Mark"], ["N", "Number"],
      ["Nd", "Decimal_Number", "digit"], ["Nl", "Letter_Number"], ["No", "Other_Number"], ["P", "Punctuation", "punct"],
      ["Pc", "Connector_Punctuation"], ["Pd", "Dash_Punctuation"], ["Ps", "Open_Punctuation"], ["Pe", "Close_Punctuation"],
      ["Pi", "Initial_Punctuation"], ["Pf", "Final_Punctuation"], ["Po", "Other_Punctuation"], ["S", "Symbol"],
      ["Sm", "Math_Symbol"], ["Sc", "Currency_Symbol"], ["Sk", "Modifier_Symbol"], ["So", "Other_Symbol"],
      ["Z", "Separator"], ["Zs", "Space_Separator"], ["Zl", "Line_Separator"], ["Zp", "Paragraph_Separator"],
      ["C", "Other"], ["Cc", "Control", "cntrl"], ["Cf", "Format"], ["Cs", "Surrogate"], ["Co", "Private_Use"],
      ["Cn", "Unassigned"],
    ] as const
  ).flatMap((names) => names.map((name) => [name, names[0]] as const)),
);

const refused = (reason: string): PropertySet => ({ ok: false, reason });

/** The RE2 class text for the body of `\p{body}` (or `\P{body}` when negated). */
export function propertySet(body: string, negated: boolean): PropertySet {
  const [name = "", value, extra] = body.split("=");
  if (extra !== undefined) return refused(`the Unicode property ${body}`);
  let re2: string;
  if (value === undefined) {
    // RE2 has no ASCII property: it is a plain range.
    if (name === "ASCII") {
      const range = negated ? "\\x{80}-\\x{10FFFF}" : "\\x{0}-\\x{7F}";
      return { ok: true, inside: range, outside: `[${range}]` };
    }
    re2 = CATEGORY[name] ?? name;
  } else if (name === "General_Category" || name === "gc") {
    const short = CATEGORY[value];
    if (short === undefined) return refused(`the General_Category value ${value}`);
    re2 = short;
  } else if (name === "Script" || name === "sc") {
    re2 = value;
  } else {
    // Script_Extensions (scx) sets have no RE2 form.
    return refused(`the Unicode property ${name}`);
  }
  if (!/^[A-Za-z0-9_]+$/.test(re2)) return refused(`the Unicode property ${body}`);
  const text = `\\${negated ? "P" : "p"}{${re2}}`;
  return { ok: true, inside: text, outside: text };
}
