/**
 * Every built-in type's pages and states with axe (no serious or critical violation), in the
 * light theme in English and the dark theme in Arabic: the console's editor and live panel, the
 * big screen, a 390 px phone before and after answering, and the session's report. One session
 * holds one activity of each type; the presenter activates them in turn.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import ar from "../src/i18n/locales/ar.json" with { type: "json" };
import en from "../src/i18n/locales/en.json" with { type: "json" };
import { adminPage, apiAs } from "./event-helpers";
import { BASE, expectAccessible } from "./helpers";

type Json = Record<string, unknown>;

interface Case {
  type: string;
  title: string;
  /** Text the phone shows before answering (the presenter's own question or prompt). */
  marker: string;
  config: Json;
  /** Presenter actions after activating (the quiz opens its first question). */
  actions?: string[];
  answer?: Json;
  entry?: Json;
}

const CASES: Case[] = [
  { type: "poll", title: "Drinks", marker: "Tea or coffee?", config: { question: "Tea or coffee?", options: [{ text: "Tea" }, { text: "Coffee" }] }, answer: { choices: [0] } },
  { type: "poker", title: "Estimates", marker: "Login page", config: { items: [{ title: "Login page" }] }, answer: { card: "5" } },
  {
    type: "quiz",
    title: "Quick quiz",
    marker: "2 + 2 = ?",
    config: { questions: [{ kind: "single", text: "2 + 2 = ?", options: ["3", "4"], correct: 1 }] },
    actions: ["next"],
    answer: { question: 0, choice: 1 },
  },
  { type: "wordcloud", title: "Mood", marker: "One word for today", config: { prompt: "One word for today" }, answer: { text: "sunny" } },
  { type: "qna", title: "Questions", marker: "Ask the speaker", config: { prompt: "Ask the speaker" }, entry: { text: "What comes next?" } },
  { type: "opentext", title: "Keep", marker: "What should we keep?", config: { prompt: "What should we keep?" }, entry: { text: "Pairing on Fridays" } },
  { type: "scale", title: "Agree", marker: "How much do you agree?", config: { question: "How much do you agree?", statements: ["Clear goals", "Useful demo"] }, answer: { ratings: { s0: 4, s1: 5 } } },
  { type: "ranking", title: "Priorities", marker: "Order these", config: { question: "Order these", items: ["Speed", "Price", "Support"] }, answer: { order: ["i1", "i0", "i2"] } },
];

const LOOKS = [
  { name: "light, English", theme: "light", language: null, locale: "en-US", catalog: en },
  { name: "dark, Arabic", theme: "dark", language: "ar", locale: "ar", catalog: ar },
] as const;

async function phoneToken(page: Page, sid: string): Promise<string> {
  return page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? "{}") as { token: string }).token, `caja.participant.${sid}`);
}

async function participantCall(token: string, method: string, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${BASE()}${path}`, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  expect(r.ok, `${method} ${path}: ${r.status} ${await r.text()}`).toBe(true);
}

async function checkLook(browser: Browser, look: (typeof LOOKS)[number]): Promise<void> {
  const { context, token } = await adminPage(browser);
  const api = apiAs(token);
  const session = await api("POST", "/api/sessions", { name: `Every type, ${look.name}` });
  const sid = session.id as string;
  await api("PATCH", `/api/sessions/${sid}`, { theme: look.theme, ...(look.language ? { language: look.language } : {}) });
  const ids: string[] = [];
  for (const c of CASES) {
    const a = await api("POST", `/api/sessions/${sid}/activities`, { type: c.type, title: c.title, config: c.config });
    ids.push(a.id as string);
  }
  await api("POST", `/api/sessions/${sid}/start`);

  // The console in the look's language and colour scheme; the editor form of each type.
  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: look.locale, colorScheme: look.theme });
  await desk.addCookies(await context.cookies());
  const admin = await desk.newPage();
  await admin.goto(`${BASE()}/admin/sessions/${sid}`);
  for (const c of CASES) {
    const label = look.catalog.admin.activities.editLabel.replace("{{title}}", c.title);
    await admin.getByRole("button", { name: label, exact: true }).click();
    await expect(admin.getByRole("form").or(admin.locator("form")).first()).toBeVisible();
    await expectAccessible(admin, `${c.type} editor (${look.name})`);
    await admin.keyboard.press("Escape");
    await admin.goto(`${BASE()}/admin/sessions/${sid}`);
  }

  const screen = await desk.newPage();
  await screen.goto(`${BASE()}/present/${sid}`);
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: look.locale, colorScheme: look.theme });
  const phone = await phoneContext.newPage();
  await phone.goto(`${BASE()}/join/${session.join_code as string}`);
  await phone.getByRole("textbox").first().fill("Ana");
  await phone.keyboard.press("Enter");
  await expect(phone.locator("html")).toHaveAttribute("lang", look.language ?? "en");
  const ptoken = await expect.poll(() => phoneToken(phone, sid)).toBeTruthy().then(() => phoneToken(phone, sid));

  for (const [i, c] of CASES.entries()) {
    const aid = ids[i]!;
    await api("POST", `/api/sessions/${sid}/activities/${aid}/activate`);
    for (const action of c.actions ?? []) await api("POST", `/api/sessions/${sid}/activities/${aid}/actions/${action}`, {});
    await expect(phone.getByText(c.marker).first()).toBeVisible();
    await expectAccessible(phone, `${c.type} phone before answering (${look.name})`);
    if (c.answer) await participantCall(ptoken, "POST", `/api/sessions/${sid}/activities/${aid}/responses`, { data: c.answer });
    if (c.entry) await participantCall(ptoken, "POST", `/api/sessions/${sid}/activities/${aid}/items`, { data: c.entry });
    await phone.reload();
    await expect(phone.getByRole("heading", { name: c.title })).toBeVisible();
    if (c.entry) await expect(phone.getByText(String(c.entry.text)).first()).toBeVisible();
    await expectAccessible(phone, `${c.type} phone after answering (${look.name})`);
    await expect(screen.getByText(c.title).first()).toBeVisible();
    await expectAccessible(screen, `${c.type} big screen (${look.name})`);
    await admin.reload();
    await expect(admin.getByText(c.title).first()).toBeVisible();
    await expectAccessible(admin, `${c.type} live console (${look.name})`);
  }

  await admin.goto(`${BASE()}/admin/sessions/${sid}/report`);
  for (const c of CASES) await expect(admin.getByText(c.title).first()).toBeVisible();
  await expectAccessible(admin, `report of every type (${look.name})`);
  await Promise.all([phoneContext.close(), desk.close(), context.close()]);
}

for (const look of LOOKS) {
  test(`every built-in type, every page and state, ${look.name}`, async ({ browser }) => {
    test.slow();
    await checkLook(browser, look);
  });
}
