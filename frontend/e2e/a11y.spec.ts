/**
 * Accessibility of a poll session's pages in their states, both themes and Arabic, with axe
 * (no serious or critical violation): the console, the big screen (light, dark, a branded
 * session in Arabic), the phone before and after answering at 320 px, and keyboard-only
 * answering with the "answer received" announcement.
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USER } from "./global-setup";
import { BASE, expectAccessible } from "./helpers";

async function call(path: string, token: string | null, method = "GET", body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${BASE()}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(r.ok, `${method} ${path}: ${r.status}`).toBeTruthy();
  return r.status === 204 ? {} : ((await r.json()) as Record<string, unknown>);
}

async function logIn(page: Page): Promise<void> {
  await page.goto(`${BASE()}/admin`);
  await page.getByLabel("Username").fill(ADMIN_USER);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}

test("a poll session's pages: console, big screen, phone, in both themes and Arabic", async ({ browser }) => {
  const login = await call("/api/auth/login", null, "POST", { username: ADMIN_USER, password: ADMIN_PASSWORD });
  const token = login.access_token as string;
  const session = await call("/api/sessions", token, "POST", { name: "Accessible poll" });
  const sid = session.id as string;
  const activity = await call(`/api/sessions/${sid}/activities`, token, "POST", {
    type: "poll",
    title: "Drinks",
    config: { question: "Tea or coffee?", options: [{ text: "Tea" }, { text: "Coffee" }] },
  });
  await call(`/api/sessions/${sid}/start`, token, "POST");
  await call(`/api/sessions/${sid}/activities/${activity.id as string}/activate`, token, "POST");

  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const console_ = await desk.newPage();
  await logIn(console_);
  await console_.goto(`${BASE()}/admin/sessions/${sid}`);
  await expect(console_.getByRole("heading", { name: "Language and look" })).toBeVisible();
  await expectAccessible(console_, "console with a running poll");

  const screen = await desk.newPage();
  await screen.goto(`${BASE()}/present/${sid}`);
  await expect(screen.getByText("Tea or coffee?").first()).toBeVisible();
  await expectAccessible(screen, "big screen, dark");
  await screen.keyboard.press("t");
  await expect(screen.locator(".present.theme-light")).toBeVisible();
  await expectAccessible(screen, "big screen, light");

  // 200 % zoom of a 1280 x 900 window is a 640 x 450 CSS-pixel viewport: the console and the
  // big screen reflow into it without scrolling sideways (WCAG 1.4.10) and keep their controls.
  for (const page of [console_, screen]) await page.setViewportSize({ width: 640, height: 450 });
  for (const page of [console_, screen]) {
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(640);
  }
  await expect(console_.getByRole("heading", { name: "Language and look" })).toBeVisible();
  await expect(console_.getByRole("button", { name: "Log out" })).toBeVisible();
  await expect(screen.getByText("Tea or coffee?").first()).toBeVisible();
  await expectAccessible(console_, "console at 200% zoom");
  for (const page of [console_, screen]) await page.setViewportSize({ width: 1280, height: 900 });

  // A phone at 320 px, keyboard only: join, answer, hear that the answer was received.
  const phone = await (await browser.newContext({ viewport: { width: 320, height: 640 } })).newPage();
  await phone.goto(`${BASE()}/join/${session.join_code as string}`);
  await phone.getByLabel("Nickname").fill("Ana");
  await phone.keyboard.press("Enter");
  await expect(phone.getByText("Tea or coffee?").first()).toBeVisible();
  await expectAccessible(phone, "phone before answering");
  const tea = phone.getByRole("radio", { name: "Tea" }).or(phone.getByRole("button", { name: "Tea" })).first();
  await tea.focus();
  await phone.keyboard.press("Space");
  const send = phone.getByRole("button", { name: /Send|Submit/ });
  if (await send.count()) {
    await send.first().focus();
    await phone.keyboard.press("Enter");
  }
  await expect(phone.getByRole("status").filter({ hasText: "Answer received" })).toBeVisible();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectAccessible(phone, "phone after answering");

  // A branded session in Arabic: a pale accent (adjusted for contrast), the dark theme.
  await call(`/api/sessions/${sid}`, token, "PATCH", { language: "ar", accent_color: "#ffe14d", theme: "dark" });
  await screen.reload();
  await expect(screen.locator("html")).toHaveAttribute("dir", "rtl");
  await expectAccessible(screen, "big screen, Arabic, branded");
  await phone.reload();
  await expect(phone.locator("html")).toHaveAttribute("lang", "ar");
  await expect(phone.locator("html")).toHaveAttribute("data-theme", "dark");
  await expectAccessible(phone, "phone, Arabic, branded, dark");
});
