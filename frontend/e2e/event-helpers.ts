/** Quick setup for the event tests: a logged-in console page and API calls as admin or phone. */
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USER } from "./global-setup";
import { BASE } from "./helpers";

type Json = Record<string, unknown>;

async function call(token: string | null, method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${BASE()}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${path}: ${response.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : {}) as Json;
}

/** API calls with the admin's token. */
export function apiAs(token: string) {
  return (method: string, path: string, body?: unknown) => call(token, method, path, body);
}

export async function adminToken(): Promise<string> {
  const out = await call(null, "POST", "/api/auth/login", { username: ADMIN_USER, password: ADMIN_PASSWORD });
  return out.access_token as string;
}

/** A browser context whose pages are logged in to the console (the HttpOnly login cookie). */
export async function adminPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page; token: string }> {
  const token = await adminToken();
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: "caja_admin", value: token, url: BASE() }]);
  const page = await context.newPage();
  page.on("dialog", (d) => void d.dismiss());
  return { context, page, token };
}

/** A participant joined through the API, who can answer. */
export async function joinAs(joinCode: string, nickname: string) {
  const out = await call(null, "POST", "/api/join", { join_code: joinCode, nickname });
  const token = out.token as string;
  return {
    token,
    answer: (sid: string, aid: string, data: Json) => call(token, "POST", `/api/sessions/${sid}/activities/${aid}/responses`, { data }),
  };
}
