/**
 * The typed API client, generated from the server's OpenAPI document (see `npm run gen:api`).
 *
 * Two credentials exist: the admin's token (admin console and big screen) and a participant's
 * token (one per session, kept in localStorage). Callers pass the one they act with.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

// An absolute base URL: Request() outside a browser (tests) refuses relative URLs.
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  // Looked up on each call, so tests can stub fetch.
  fetch: (request) => globalThis.fetch(request),
});

/** An error from the API, with its HTTP status and the server's `detail` message. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

/** Turns a server error body (`{"error", "detail"}` or FastAPI's `{"detail"}`) into a sentence. */
export function errorMessage(body: unknown, fallback = "Something went wrong"): string {
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
  return fallback;
}

/** Throws an ApiError unless the openapi-fetch result is a success; returns its data. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) {
    throw new ApiError(
      result.response.status,
      errorMessage(result.error, `HTTP ${result.response.status}`),
      result.error,
    );
  }
  return result.data as T;
}

/** Options that send a bearer token with one request. */
export function bearer(token: string | null | undefined): { headers: Record<string, string> } {
  return { headers: token ? { Authorization: `Bearer ${token}` } : {} };
}

const ADMIN_TOKEN_KEY = "caja.admin.token";

/** The admin token, kept in localStorage so the big-screen tab shares it. */
export const adminToken = {
  get: (): string | null => localStorage.getItem(ADMIN_TOKEN_KEY),
  set: (token: string) => localStorage.setItem(ADMIN_TOKEN_KEY, token),
  clear: () => localStorage.removeItem(ADMIN_TOKEN_KEY),
};

/** Adds the admin's bearer token to requests that carry no Authorization header of their own. */
export const adminAuth: Middleware = {
  onRequest({ request }) {
    const token = adminToken.get();
    if (token && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    return request;
  },
};
