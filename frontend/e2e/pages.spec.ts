/** The small pages: home, typing a join code, a wrong code. */
import { expect, test } from "@playwright/test";
import { BASE, expectAccessible, newPhone } from "./helpers";

test("home, /join with a typed code, and a wrong code", async ({ browser }) => {
  const phone = await newPhone(browser);
  const page = phone.page;
  await page.goto(`${BASE()}/`);
  await expectAccessible(page, "home");
  await page.getByRole("link", { name: "Join a session" }).click();
  await expect(page).toHaveURL(/\/join$/);
  await expectAccessible(page, "join code form");
  await page.getByLabel("Join code").fill("zz zz99");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/join\/ZZZZ99$/);
  await page.getByLabel("Nickname").fill("Ana");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("alert")).toContainText("no open session with this code");
  await expectAccessible(page, "join with a wrong code");
});
