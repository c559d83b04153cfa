/**
 * The built-in scale and ranking types, which have no JavaScript of their own: the admin's
 * config forms, the phones' forms (sliders and an ordering, from caja_core.ui's hints in the
 * activity's answer schema) and the big screen's results, in a real browser under the strict
 * CSP. Screenshots: docs/screenshots/{phone,big-screen}-{scale,ranking}.png.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USER } from "./global-setup";
import { BASE, expectAccessible, newPhone, screenshot } from "./helpers";

/** Fills a generated list of texts (it starts with as many empty rows as its minimum). */
async function fillList(form: Locator, name: RegExp, texts: string[]): Promise<void> {
  const group = form.getByRole("group", { name });
  const rows = group.getByRole("textbox");
  for (const [i, text] of texts.entries()) {
    if ((await rows.count()) <= i) await group.getByRole("button", { name: "Add", exact: true }).click();
    await rows.nth(i).fill(text);
  }
}

async function addActivity(admin: Page, type: string, title: string, fill: (form: Locator) => Promise<void>): Promise<void> {
  await admin.getByRole("button", { name: "Add activity" }).click();
  const form = admin.getByRole("form", { name: "New activity" });
  await form.getByLabel("Type").selectOption({ label: type });
  await form.getByLabel("Title", { exact: true }).fill(title);
  await fill(form);
  await expectAccessible(admin, `admin config form of ${type}`);
  await form.getByRole("button", { name: "Add to session" }).click();
  await expect(admin.locator(".activity-row", { hasText: title })).toBeVisible();
}

/** The labels of the ordering, top to bottom. */
const orderOf = (page: Page) => page.locator(".ordering-label").allTextContents();

test("scales and ranking: admin forms, phone forms from hints, big-screen results", async ({ browser }) => {
  const base = BASE();
  const errors: string[] = [];
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await adminContext.newPage();
  admin.on("pageerror", (e) => errors.push(e.message));
  await admin.goto(`${base}/admin`);
  await admin.getByLabel("Username").fill(ADMIN_USER);
  await admin.getByLabel("Password").fill(ADMIN_PASSWORD);
  await admin.getByRole("button", { name: "Log in" }).click();
  await admin.getByLabel("New session name").fill("Retro");
  await admin.getByRole("button", { name: "Create session" }).click();
  await expect(admin.getByRole("heading", { name: "Retro" })).toBeVisible();
  await expect(admin).toHaveURL(/\/admin\/sessions\/[0-9a-f-]{36}$/); // the session's page, not the list
  const sessionId = admin.url().split("/").pop()!;

  await addActivity(admin, "Scales", "How did it go?", async (form) => {
    await form.getByRole("textbox", { name: /^Question/ }).fill("How much do you agree?");
    await fillList(form, /^Statements/, ["The goals were clear", "We worked well together", "I would do it again"]);
    // each row labelled by its item's title and number
    await expect(form.getByRole("textbox", { name: /^Statement 2/ })).toHaveValue("We worked well together");
    await form.getByRole("textbox", { name: /^Label of the lowest value/ }).fill("Disagree");
    await form.getByRole("textbox", { name: /^Label of the highest value/ }).fill("Agree");
  });
  await addActivity(admin, "Ranking", "Next sprint", async (form) => {
    await form.getByRole("textbox", { name: /^Question/ }).fill("What should we fix first?");
    await fillList(form, /^Items to rank/, ["Flaky tests", "Slow builds", "Missing docs", "On-call load"]);
  });

  await admin.getByRole("button", { name: "Start session" }).click();
  await admin.getByRole("button", { name: "Activate How did it go?" }).click();
  const joinUrl = (await admin.locator(".editor-head .admin-join-url").textContent())!.trim();

  const screenContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await screenContext.addCookies(await adminContext.cookies()); // the login is an HttpOnly cookie
  const screen = await screenContext.newPage();
  screen.on("pageerror", (e) => errors.push(e.message));
  await screen.goto(`${base}/present/${sessionId}`);

  const phones = [await newPhone(browser), await newPhone(browser)];
  for (const [i, phone] of phones.entries()) {
    phone.page.on("pageerror", (e) => errors.push(e.message));
    await phone.page.goto(joinUrl);
    await phone.page.getByLabel("Nickname").fill(i === 0 ? "Ana" : "Ben");
    await phone.page.getByRole("button", { name: "Join" }).click();
  }

  // -- scales: one slider per statement, labelled by it, from 1 (Disagree) to 5 (Agree) --
  const ratings = [
    [5, 4, 2],
    [4, 4, 1],
  ];
  for (const [i, phone] of phones.entries()) {
    const page = phone.page;
    const sliders = page.getByRole("slider");
    await expect(sliders).toHaveCount(3);
    const clear = page.getByRole("slider", { name: /^The goals were clear/ });
    await expect(clear).toHaveAttribute("min", "1");
    await expect(clear).toHaveAttribute("max", "5");
    await expect(page.getByText("Disagree").first()).toBeVisible();
    for (const [s, value] of ratings[i]!.entries()) {
      const slider = sliders.nth(s);
      await slider.focus();
      await page.keyboard.press("Home");
      for (let n = 1; n < value; n++) await page.keyboard.press("ArrowRight");
      await expect(slider).toHaveValue(String(value));
    }
    if (i === 0) {
      await expectAccessible(page, "phone scale form");
      await screenshot(page, "phone-scale");
    }
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByText("Answer received")).toBeVisible();
  }
  const averages = screen.locator(".stat");
  await expect(averages.filter({ hasText: "The goals were clear" }).locator("dd")).toHaveText("4.5");
  await expect(averages.filter({ hasText: "We worked well together" }).locator("dd")).toHaveText("4");
  await expect(averages.filter({ hasText: "I would do it again" }).locator("dd")).toHaveText("1.5");
  // how many gave each value: a row per statement
  const spread = screen.locator(".block.table");
  await expect(spread.locator("th")).toHaveText(["Statement", "Median", "1 · Disagree", "2", "3", "4", "5 · Agree"]);
  await expect(spread.locator("tbody tr").first().locator("td")).toHaveText(["The goals were clear", "4.5", "0", "0", "0", "1", "1"]);
  // the question is the big screen's heading, not said again above the averages
  await expect(screen.locator(".block-title", { hasText: "How much do you agree?" })).toHaveCount(0);
  await expectAccessible(screen, "big screen scale");
  await screenshot(screen, "big-screen-scale");

  // -- ranking: the items in the configured order, moved with buttons --
  await admin.getByRole("button", { name: "Activate Next sprint" }).click();
  const orders = [
    ["Slow builds", "Flaky tests", "On-call load", "Missing docs"],
    ["Flaky tests", "Slow builds", "Missing docs", "On-call load"],
  ];
  for (const [i, phone] of phones.entries()) {
    const page = phone.page;
    await expect(page.getByRole("group", { name: /^What should we fix first\?/ })).toBeVisible();
    expect(await orderOf(page)).toEqual(["Flaky tests", "Slow builds", "Missing docs", "On-call load"]);
    if (i === 0) {
      await page.getByRole("button", { name: "Move “Slow builds” up" }).click();
      // from the keyboard: the focus stays on the button of the item it moves
      await page.getByRole("button", { name: "Move “On-call load” up" }).focus();
      await page.keyboard.press("Enter");
      await expect(page.getByRole("button", { name: "Move “On-call load” up" })).toBeFocused();
      await expect(page.getByText("“On-call load” is now number 3 of 4")).toBeAttached();
      expect(await orderOf(page)).toEqual(orders[0]);
      await expectAccessible(page, "phone ranking form");
      await screenshot(page, "phone-ranking");
    }
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByText("Answer received")).toBeVisible();
  }
  // Borda points over 2 rankings of 4: Flaky 2+3, Slow 3+2, On-call 1+0, Docs 0+1; ties on
  // points and positions keep the config's order
  const bars = screen.locator(".bars .bar");
  await expect(bars.locator(".bar-label")).toHaveText(["1. Flaky tests", "1. Slow builds", "3. Missing docs", "3. On-call load"]);
  await expect(bars.locator(".bar-figure")).toHaveText(["5", "5", "1", "1"]);
  await expectAccessible(screen, "big screen ranking");
  await screenshot(screen, "big-screen-ranking");
  expect(errors).toEqual([]);
});
