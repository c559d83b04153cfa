/**
 * A type with no JavaScript of its own (the example plugin caja-rating) works end to end in a
 * real browser under the server's strict CSP: its config form and its answer form are generated
 * from its JSON Schemas, and its results are drawn from its display blocks.
 */
import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USER } from "./global-setup";
import { BASE, expectAccessible, newPhone } from "./helpers";

test("an installed type works from its JSON Schemas, with no JavaScript of its own", async ({ browser }) => {
  const base = BASE();
  const types = (await (await fetch(`${base}/api/activity-types`)).json()) as { name: string }[];
  test.skip(!types.some((t) => t.name === "rating"), "the example plugin caja-rating is not loaded");

  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await adminContext.newPage();
  const errors: string[] = [];
  admin.on("pageerror", (e) => errors.push(e.message));
  await admin.goto(`${base}/admin`);
  await admin.getByLabel("Username").fill(ADMIN_USER);
  await admin.getByLabel("Password").fill(ADMIN_PASSWORD);
  await admin.getByRole("button", { name: "Log in" }).click();
  await admin.getByLabel("New session name").fill("Feedback");
  await admin.getByRole("button", { name: "Create session" }).click();
  await expect(admin.getByRole("heading", { name: "Feedback" })).toBeVisible();
  await expect(admin).toHaveURL(/\/admin\/sessions\/[0-9a-f-]{36}$/); // the session's page, not the list
  const sessionId = admin.url().split("/").pop()!;

  await admin.getByRole("button", { name: "Add activity" }).click();
  const form = admin.getByRole("form", { name: "New activity" });
  await form.getByLabel("Type").selectOption({ label: "Rating" });
  await form.getByLabel("Title", { exact: true }).fill("Talk");
  // the generated config form
  await form.getByRole("textbox", { name: /^Question/ }).fill("How was the talk?");
  await expectAccessible(admin, "admin generated config form");
  await form.getByRole("button", { name: "Add to session" }).click();
  await expect(admin.locator(".activity-row", { hasText: "Talk" })).toBeVisible();
  await admin.getByRole("button", { name: "Start session" }).click();
  await admin.getByRole("button", { name: "Activate Talk" }).click();
  const joinUrl = (await admin.locator(".editor-head .admin-join-url").textContent())!.trim();

  const phones = [await newPhone(browser), await newPhone(browser)];
  const ratings = ["4", "5"];
  for (const [i, phone] of phones.entries()) {
    phone.page.on("pageerror", (e) => errors.push(e.message));
    await phone.page.goto(joinUrl);
    await phone.page.getByLabel("Nickname").fill(`P${i + 1}`);
    await phone.page.getByRole("button", { name: "Join" }).click();
    // the answer form: the rating's slider hint (caja_core.ui.slider) over this activity's 1..5
    const value = phone.page.getByRole("slider", { name: /^Your rating/ });
    await expect(value).toBeVisible();
    await expect(value).toHaveAttribute("min", "1");
    await expect(value).toHaveAttribute("max", "5");
    await expect(value).toHaveValue("3"); // it starts in the middle, and shows what it will send
    if (i === 0) await expectAccessible(phone.page, "participant generated answer form (slider)");
    // from the keyboard: Home is 1, each ArrowRight one more
    await value.focus();
    await phone.page.keyboard.press("Home");
    for (let n = 1; n < Number(ratings[i]); n++) await phone.page.keyboard.press("ArrowRight");
    await expect(value).toHaveValue(ratings[i]!);
    await expect(phone.page.getByTestId("slider-value")).toHaveText(ratings[i]!);
    await phone.page.getByRole("button", { name: "Submit" }).click();
    await expect(phone.page.getByText("Answer received")).toBeVisible();
  }

  const screen = await adminContext.newPage();
  await screen.goto(`${base}/present/${sessionId}`);
  await expect(screen.locator(".stat", { hasText: "Average" }).locator("dd")).toHaveText("4.5");
  await expect(screen.locator(".stat", { hasText: "Ratings" }).locator("dd")).toHaveText("2");
  const bars = await screen.locator(".bars .bar").evaluateAll((els) =>
    els.map((el) => `${el.querySelector(".bar-label")?.textContent}=${el.querySelector(".bar-figure")?.textContent}`),
  );
  expect(bars).toEqual(["1=0", "2=0", "3=0", "4=1", "5=1"]);
  await expectAccessible(screen, "big screen generic type");
  expect(errors).toEqual([]); // no CSP or runtime error from the schema forms
});
