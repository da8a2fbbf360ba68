import { html } from "hono/html";
import { JSON_LIMITS, breachMessage, parseJson } from "../core/json";
import type { JsonObject, JsonValue, Run } from "../schemas";
import type { CallOutcome } from "../workers/invoke/call";
import { HttpError } from "../workers/shared/problem";
import type { Html } from "./layout";

// The try-it form of a tool page: simple fields when the input schema is flat, a JSON textarea
// otherwise, and the invocation path's answer shown as it is (result, pending approval, refusal).

type Primitive = "string" | "integer" | "number" | "boolean";
/** One field of a flat input schema. */
export type Field = { name: string; type: Primitive; required: boolean; description: string; choices: JsonValue[] | null };

const MAX_FIELDS = 20;

function primitiveOf(schema: JsonValue | undefined): { type: Primitive; choices: JsonValue[] | null } | null {
  if (!schema || typeof schema !== "object" || Array.isArray(schema) || "$ref" in schema) return null;
  const choices = Array.isArray(schema.enum) && schema.enum.every((v) => v === null || typeof v !== "object") ? schema.enum : null;
  const type = schema.type;
  if (type === "string" || type === "integer" || type === "number" || type === "boolean") return { type, choices };
  if (choices && type === undefined) return { type: "string", choices };
  return null;
}

/**
 * The fields of a flat input schema (an object of up to 20 string, number, integer or boolean
 * properties), or null when only JSON can say everything the schema allows. No schema: no fields.
 */
export function flatFields(schema: JsonObject | undefined): Field[] | null {
  if (!schema) return [];
  if (schema.type !== undefined && schema.type !== "object") return null;
  if (["$ref", "oneOf", "anyOf", "allOf", "patternProperties"].some((k) => k in schema)) return null;
  const props = schema.properties ?? {};
  if (typeof props !== "object" || Array.isArray(props) || props === null) return null;
  const entries = Object.entries(props);
  if (entries.length > MAX_FIELDS) return null;
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [];
  const fields: Field[] = [];
  for (const [name, prop] of entries) {
    const primitive = primitiveOf(prop);
    if (!primitive) return null;
    const description = prop && typeof prop === "object" && !Array.isArray(prop) && typeof prop.description === "string" ? prop.description : "";
    fields.push({ name, ...primitive, required: required.includes(name), description });
  }
  return fields;
}

/** A field's text as the schema's type; text that does not convert is kept, so validation names it. */
function convert(field: Field, text: string): JsonValue {
  if (field.choices) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  if (field.type === "integer" && /^-?\d+$/.test(text)) return Number(text);
  if (field.type === "number" && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  if (field.type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** The arguments a try-it form was posted with: its fields, or its JSON (bounded like every request body). */
export function argumentsFrom(form: Record<string, string>, fields: Field[] | null): JsonObject {
  if (form.mode === "fields" && fields) {
    const args: JsonObject = {};
    fields.forEach((field, i) => {
      const text = form[`arg-${i}`] ?? "";
      if (text !== "") args[field.name] = convert(field, text);
    });
    return args;
  }
  const text = (form.arguments ?? "").trim() || "{}";
  const parsed = parseJson(text, JSON_LIMITS.request);
  if (!parsed.ok) {
    throw new HttpError(422, "validation-failed", parsed.reason === "syntax" ? `Arguments: not valid JSON (${parsed.message})` : breachMessage("Arguments", parsed.breach));
  }
  if (!parsed.value || typeof parsed.value !== "object" || Array.isArray(parsed.value)) throw new HttpError(422, "validation-failed", "Arguments: must be a JSON object, such as {}");
  return parsed.value;
}

function fieldControl(field: Field, i: number, value: string): Html {
  const id = `arg-${i}`;
  const help = field.description ? html`<p class="muted" id="${id}-help">${field.description}</p>` : "";
  const describedBy = field.description ? html` aria-describedby="${id}-help"` : "";
  const label = html`<label for="${id}">${field.name}${field.required ? " (required)" : ""} <span class="muted">${field.type}</span></label>`;
  if (field.choices || field.type === "boolean") {
    const options = field.choices ?? [true, false];
    return html`${label}<select id="${id}" name="${id}"${describedBy}${field.required ? html` required` : ""}>
      <option value="">(not set)</option>
      ${options.map((o) => {
        const encoded = field.choices ? JSON.stringify(o) : String(o);
        return html`<option value="${encoded}"${encoded === value ? html` selected` : ""}>${String(o)}</option>`;
      })}</select>${help}`;
  }
  const numeric = field.type === "integer" || field.type === "number";
  return html`${label}<input id="${id}" name="${id}" type="${numeric ? "number" : "text"}"${field.type === "number" ? html` step="any"` : ""}
    value="${value}"${describedBy}${field.required ? html` required` : ""}>${help}`;
}

export type TryValues = { mode: "fields" | "json"; form: Record<string, string> };

/**
 * The form. A fresh `attempt` id each render is the call's idempotency key, so a double submit or a
 * reload of the answer replays the same Run instead of calling twice.
 */
export function tryForm(address: string, csrf: string, fields: Field[] | null, values: TryValues): Html {
  const action = `/tools/view?address=${encodeURIComponent(address)}`;
  const useFields = values.mode === "fields" && fields !== null;
  const other = `${action}&mode=${useFields ? "json" : "fields"}#try`;
  return html`<form method="post" action="${action}#outcome" aria-labelledby="try">
    <input type="hidden" name="csrf" value="${csrf}">
    <input type="hidden" name="attempt" value="${crypto.randomUUID()}">
    <input type="hidden" name="mode" value="${useFields ? "fields" : "json"}">
    ${useFields
      ? fields.length
        ? fields.map((f, i) => fieldControl(f, i, values.form[`arg-${i}`] ?? ""))
        : html`<p class="muted">This tool takes no arguments.</p>`
      : html`<label for="arguments">Arguments (a JSON object)</label>
        <textarea id="arguments" name="arguments" rows="8" cols="60" spellcheck="false" aria-describedby="arguments-help">${values.form.arguments ?? "{}"}</textarea>
        <p class="muted" id="arguments-help">Checked against the input schema below before anything is sent.</p>`}
    <p class="muted">The call goes through the same path as every other: admission, policy, argument checks, and a Run recorded.</p>
    <button type="submit">Call this tool</button>
    ${fields !== null ? html`<p><a href="${other}">${useFields ? "Write the arguments as JSON instead" : "Use simple fields instead"}</a></p>` : ""}
  </form>`;
}

function runLink(run: Run): Html {
  return html`<a id="run-link" href="/runs/${run.id}">Run ${run.id}</a>`;
}

const SHOWN_CHARS = 200_000;

/** What the invocation path answered, with the Run it recorded; `review` is the signed review link of a pending Run. */
export function outcomeSection(outcome: CallOutcome, review: string | null): Html {
  const { run } = outcome;
  switch (outcome.kind) {
    case "succeeded": {
      const text = JSON.stringify(outcome.value, null, 2) ?? "null";
      return html`<section id="outcome" aria-labelledby="outcome-title"><h3 id="outcome-title">Result</h3>
        <p class="notice" role="status">Succeeded. Recorded as ${runLink(run)}.</p>
        <pre id="result" tabindex="0" role="region" aria-labelledby="outcome-title">${text.slice(0, SHOWN_CHARS)}</pre>${text.length > SHOWN_CHARS ? html`<p class="muted">Cut at ${SHOWN_CHARS} characters; the Run holds all of it.</p>` : ""}</section>`;
    }
    case "pending":
      return html`<section id="outcome" aria-labelledby="outcome-title"><h3 id="outcome-title">Waiting for approval</h3>
        <p class="notice" role="status">Nothing has been sent yet. ${run.admission.reason.message}</p>
        <p>${review ? html`<a id="review-link" href="${review}">Review this call</a> · ` : ""}${runLink(run)}</p></section>`;
    case "rejected": {
      const invalid = run.error?.code === "invalid_arguments";
      const message = invalid ? "The arguments do not match the input schema; nothing was sent." : run.status === "denied" ? "The call was denied." : run.admission.reason.message;
      return html`<section id="outcome" aria-labelledby="outcome-title"><h3 id="outcome-title">Refused</h3>
        <p class="error" role="alert" id="refusal">${message}</p>
        ${invalid && outcome.issues?.length ? html`<ul id="issues">${outcome.issues.map((i) => html`<li><code>${i.path || "(arguments)"}</code>: ${i.message}</li>`)}</ul>` : ""}
        <p>Recorded as ${runLink(run)}.</p></section>`;
    }
    case "failed":
      return html`<section id="outcome" aria-labelledby="outcome-title"><h3 id="outcome-title">Failed</h3>
        <p class="error" role="alert">${run.error?.message ?? "the call failed"} (HTTP ${outcome.httpStatus})</p>
        <p>Recorded as ${runLink(run)}.</p></section>`;
  }
}
