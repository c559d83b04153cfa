/**
 * The typed API client, generated from the server's OpenAPI document (see `npm run gen:api`).
 *
 * Two credentials exist: the admin's login, an HttpOnly cookie that no script can read (admin
 * console and big screen; every call sends `X-Caja-CSRF: 1`, without which the server refuses
 * a change made with the cookie), and a participant's token (one per session, kept in
 * localStorage), which callers pass when they act as the participant.
 */
import createClient from "openapi-fetch";
import { currentLanguage, i18n } from "../i18n";
import { translateError } from "../i18n/errors";
import type { paths } from "./schema";

/**
 * Headers every call to the API sends: the language shown, so the server (and the activity
 * types' texts) can answer in it. Raw `fetch` calls spread these into their headers.
 */
export function languageHeaders(): Record<string, string> {
  return { "Accept-Language": currentLanguage() };
}

// An absolute base URL: Request() outside a browser (tests) refuses relative URLs.
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  // Looked up on each call, so tests can stub fetch.
  fetch: (request) => globalThis.fetch(request),
});

/** The header that lets a call made with the login cookie change things (see the top). */
export const CSRF_HEADERS: Record<string, string> = { "X-Caja-CSRF": "1" };

api.use({
  onRequest({ request }) {
    for (const [name, value] of Object.entries({ ...languageHeaders(), ...CSRF_HEADERS })) {
      request.headers.set(name, value);
    }
    return request;
  },
});

/**
 * An error from the API: its HTTP status, its message in the language shown (`message`), and the
 * body's machine `code` and `params` (see `errorMessage`).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  /** The specific reason (`nickname_taken`), or the error class when there is none. */
  readonly code: string | null;
  readonly params: Record<string, unknown>;
  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    const b = (body && typeof body === "object" ? body : {}) as { code?: unknown; error?: unknown; params?: unknown };
    this.code = typeof b.code === "string" ? b.code : typeof b.error === "string" ? b.error : null;
    this.params = b.params && typeof b.params === "object" ? (b.params as Record<string, unknown>) : {};
  }
}

/**
 * A server error body as a sentence in the language shown: its `code` translated when the
 * catalogs know it, else the server's English `detail` (or FastAPI's own `{"detail"}`).
 */
export function errorMessage(body: unknown, fallback?: string): string {
  const translated = translateError(body);
  if (translated) return translated;
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const detail = b.detail ?? b.error;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail
        .map((d) => {
          const item = d as { msg?: string; loc?: unknown[] };
          const loc = Array.isArray(item.loc) ? item.loc.filter((p) => p !== "body").join(".") : "";
          return loc ? `${loc}: ${item.msg ?? ""}` : (item.msg ?? "");
        })
        .join("; ");
    }
    if (Array.isArray(b.errors)) return errorMessage({ detail: b.errors }, fallback);
  }
  return fallback ?? i18n.t("errors.generic");
}

/** The message to show for anything a call threw: an API error's, or "no connection". */
export function failureMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : i18n.t("errors.network");
}

/** Throws an ApiError unless the openapi-fetch result is a success; returns its data. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) {
    throw new ApiError(
      result.response.status,
      errorMessage(result.error, i18n.t("errors.http", { status: result.response.status })),
      result.error,
    );
  }
  return result.data as T;
}

/** Options that send a bearer token with one request. */
export function bearer(token: string | null | undefined): { headers: Record<string, string> } {
  return { headers: token ? { Authorization: `Bearer ${token}` } : {} };
}

/** Earlier versions kept the admin token here, readable by any script: forget it. */
globalThis.localStorage?.removeItem("caja.admin.token");
