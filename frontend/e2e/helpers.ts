import AxeBuilder from "@axe-core/playwright";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

export const BASE = () => {
  const url = process.env.CAJA_E2E_URL;
  if (!url) throw new Error("CAJA_E2E_URL is not set (global setup did not run)");
  return url;
};

export const SCREENSHOTS = resolve(import.meta.dirname, "../../docs/screenshots");

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let transitions (bars, flipping cards) finish.
  await page.waitForTimeout(900);
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
}

export interface Phone {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
}

/** A phone-sized browser context that records any dialog (an alert() would mean XSS). */
export async function newPhone(browser: Browser): Promise<Phone> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    (window as unknown as { __xss: number }).__xss = 0;
  });
  return { context, page, dialogs };
}
