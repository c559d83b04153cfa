/**
 * API errors in the reader's language.
 *
 * Every error body is `{"error": <class>, "detail": <English>, "code": <reason>, "params": {...}}`
 * (docs/architecture.md, "Errors"). A `code` with an entry under `apiErrors` in the catalogs is
 * shown translated, with its `params`; field errors (`errors: [{loc, msg, type, params}]`) are
 * translated by their `type` under `fieldErrors`; an activity type's error comes translated by the
 * server from the type's own catalogs (`message`); anything else shows the server's `detail`.
 */
import { i18n } from "./index";

interface FieldErrorBody {
  loc?: unknown[];
  msg?: string;
  type?: string;
  params?: Record<string, unknown>;
}

/** The parameter that picks a plural form of a code's message (its `count`). */
const PLURAL_PARAM: Record<string, string> = {
  rate_limited: "retry_after",
  login_rate_limited: "retry_after",
  join_rate_limited: "retry_after",
  answer_rate_limited: "retry_after",
  nickname_too_long: "max",
  activity_has_answers: "answers",
};

function known(key: string, params: Record<string, unknown> = {}): boolean {
  // With its `count`, a plural message (`x_one`, `x_other`) exists under its plain key.
  return i18n.exists(key, params as never);
}

function translate(key: string, params: Record<string, unknown>): string {
  return i18n.t(key as never, params as never) as unknown as string;
}

function fieldMessage(error: FieldErrorBody): string {
  // `activities[2].config.options`: list positions in brackets, as the server writes them.
  const path = Array.isArray(error.loc)
    ? error.loc
        .filter((p) => p !== "body")
        .reduce<string>((out, p) => (typeof p === "number" ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), "")
    : "";
  const key = `fieldErrors.${error.type ?? ""}`;
  const params = { ...(error.params ?? {}) };
  // A length limit picks the plural form ("at most 1 character", "at most 200 characters").
  const limit = params.min_length ?? params.max_length;
  if (typeof limit === "number") params.count = limit;
  const message = error.type && known(key) ? translate(key, params) : (error.msg ?? "");
  return path ? `${path}: ${message}` : message;
}

/** The message of an API error body in the language shown, or null when it has none. */
export function translateError(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const b = body as { error?: unknown; code?: unknown; params?: unknown; errors?: unknown; detail?: unknown; message?: unknown };
  // An activity type's own error, already in the language asked for (Accept-Language).
  if (typeof b.message === "string" && b.message) return b.message;
  const code = typeof b.code === "string" ? b.code : typeof b.error === "string" ? b.error : null;
  const params = b.params && typeof b.params === "object" ? { ...(b.params as Record<string, unknown>) } : {};
  const fieldErrors = Array.isArray(b.errors) ? (b.errors as FieldErrorBody[]) : Array.isArray(b.detail) ? (b.detail as FieldErrorBody[]) : [];
  const specific = code !== null && code !== b.error;
  const codeKey = code ? `apiErrors.${code}` : "";
  if (code && PLURAL_PARAM[code] && typeof params[PLURAL_PARAM[code]!] === "number") params.count = params[PLURAL_PARAM[code]!];
  if (specific && known(codeKey, params)) return translate(codeKey, params);
  if (fieldErrors.length) return fieldErrors.map(fieldMessage).join("; ");
  if (code && known(codeKey, params)) return translate(codeKey, params);
  return null;
}
