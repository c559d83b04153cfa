/**
 * Entries in a real browser against the real server: a Q&A (moderated before) open beside a
 * poll, then on its own, then an open-text wall. Phones (390 px) ask, upvote others' questions
 * (never their own), see their own questions' status; the presenter approves, hides, pins and
 * marks answered from the console; the big screen shows the pinned question over the poll, the
 * questions, the wall and the highlighted answer large. Screenshots go to docs/screenshots/.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { adminPage, apiAs, joinAs } from "./event-helpers";
import { BASE, expectAccessible, newPhone, screenshot, type Phone } from "./helpers";

test.describe.configure({ mode: "serial" });
test.use({ actionTimeout: 20_000 }); // a missing button fails in seconds, not at the test's timeout

async function addActivity(admin: Page, type: string, title: string, fill: (form: Locator) => Promise<void>) {
  await admin.getByRole("button", { name: "Add activity" }).click();
  const form = admin.getByRole("form", { name: "New activity" });
  await form.getByLabel("Type").selectOption({ label: type });
  await form.getByLabel("Title", { exact: true }).fill(title);
  await fill(form);
  await form.getByRole("button", { name: "Add to session" }).click();
  await expect(admin.locator(".activity-row", { hasText: title })).toBeVisible();
}

async function join(phone: Phone, joinUrl: string, nickname: string) {
  await phone.page.goto(joinUrl);
  await phone.page.getByLabel("Nickname").fill(nickname);
  await phone.page.getByRole("button", { name: "Join" }).click();
  await expect(phone.page.getByLabel("Your nickname")).toHaveText(nickname);
}

/** The entries of the phone's "Everyone's" list, in the order shown. */
function everyone(page: Page): Locator {
  return page.getByRole("region", { name: "Everyone's" }).locator(".entry");
}

async function ask(page: Page, text: string, anonymous = false) {
  await page.getByRole("textbox", { name: /Your question/ }).fill(text);
  if (anonymous) await page.getByLabel("Send anonymously").check();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("region", { name: "Yours" }).locator(".entry", { hasText: text })).toBeVisible();
}

/** Nothing wider than the phone's screen: no sideways scrolling. */
async function expectNoSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0], "page width vs viewport").toBeLessThanOrEqual(widths[1]!);
}

async function fontPx(locator: Locator): Promise<number> {
  return locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
}

test("a moderated Q&A beside a poll, on its own, and an open-text wall", async ({ browser }) => {
  test.slow(); // three phones, a console and a big screen through a whole Q&A
  const base = BASE();
  const { page: admin, context: adminContext, token } = await adminPage(browser);
  const asAdmin = apiAs(token);
  const errors: string[] = [];
  admin.on("pageerror", (e) => errors.push(e.message));
  await admin.goto(`${base}/admin`);
  await admin.getByLabel("New session name").fill("All hands");
  await admin.getByRole("button", { name: "Create session" }).click();
  await expect(admin.getByRole("heading", { name: "All hands" })).toBeVisible();
  const sessionId = admin.url().split("/").pop()!;

  await addActivity(admin, "Poll", "Lunch", async () => {
    await admin.getByLabel("Question", { exact: true }).fill("Where do we eat?");
    await admin.getByLabel("Option 1", { exact: true }).fill("Canteen");
    await admin.getByLabel("Option 2", { exact: true }).fill("Park");
  });
  await addActivity(admin, "Q&A", "Questions", async (form) => {
    await form.getByLabel("Moderation", { exact: true }).selectOption("before");
  });
  await addActivity(admin, "Open text", "Retro", async (form) => {
    await form.getByRole("textbox", { name: /^Prompt/ }).fill("One word for this week");
    await form.getByLabel("Answers each").fill("2");
    await form.getByLabel("Order on the wall").selectOption("newest");
  });
  await admin.getByRole("button", { name: "Start session" }).click();
  await admin.getByRole("button", { name: "Activate Lunch" }).click();
  // The Q&A stays open beside whichever activity is current.
  await admin.getByRole("button", { name: "Open Questions beside the current activity" }).click();
  const side = admin.getByTestId("side-activity");
  await expect(side.getByRole("heading", { name: "Questions" })).toBeVisible();
  const joinUrl = (await admin.locator(".editor-head .admin-join-url").textContent())!.trim();
  const joinCode = joinUrl.split("/").pop()!;

  const screenContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await screenContext.addCookies(await adminContext.cookies());
  const screen = await screenContext.newPage();
  await screen.goto(`${base}/present/${sessionId}`);
  await expect(screen.getByRole("heading", { name: "Where do we eat?" }).or(screen.getByText("Where do we eat?")).first()).toBeVisible();

  // -- phones: a tab for the poll, a tab for the questions -----------------------------------
  const ana = await newPhone(browser);
  const ben = await newPhone(browser);
  await join(ana, joinUrl, "Ana");
  await join(ben, joinUrl, "Ben");
  for (const phone of [ana, ben]) {
    await expect(phone.page.getByRole("tab", { name: "Lunch" })).toHaveAttribute("aria-selected", "true");
    await expect(phone.page.getByRole("tab", { name: "Questions" })).toBeVisible();
  }
  // The poll still works in its tab.
  await ana.page.getByRole("radio", { name: "Park" }).check();
  await ana.page.getByRole("button", { name: "Submit" }).click();
  await expect(ana.page.getByText("Answer received")).toBeVisible();

  for (const phone of [ana, ben]) await phone.page.getByRole("tab", { name: "Questions" }).click();
  await ask(ana.page, "Will the slides be shared?");
  await ask(ben.page, "Can we get pizza on Fridays?", true);
  // Moderated before: waiting, and nobody else sees them yet.
  await expect(ana.page.getByRole("region", { name: "Yours" }).locator(".entry")).toHaveAttribute("data-status", "pending");
  await expect(ana.page.getByRole("region", { name: "Yours" })).toContainText("waiting for approval");
  await expect(everyone(ben.page)).toHaveCount(0);
  await expectNoSidewaysScroll(ana.page);
  await expectAccessible(ana.page, "phone Q&A tab beside a poll");

  // A third participant asks through the API (the rules are the server's, not the page's).
  const cleo = await joinAs(joinCode, "Cleo");
  const detail = (await asAdmin("GET", `/api/sessions/${sessionId}`)) as { activities: { id: string; title: string }[] };
  const qnaId = detail.activities.find((a) => a.title === "Questions")!.id;
  const cleoAsks = async (text: string) => {
    const r = await fetch(`${base}/api/sessions/${sessionId}/activities/${qnaId}/items`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${cleo.token}` },
      body: JSON.stringify({ data: { text } }),
    });
    expect(r.status, await r.text()).toBe(201);
  };
  await cleoAsks("How do we book the big room?");
  await cleoAsks("Something rude we will hide");

  // -- the console: four pending, approve three, hide one ------------------------------------
  const moderation = side.getByRole("region", { name: "Moderation of Questions" });
  await expect(moderation.locator(".entry")).toHaveCount(4);
  await expect(moderation.getByText("4 pending")).toBeVisible();
  // An anonymous question names nobody, not even to the presenter.
  await expect(moderation.locator(".entry", { hasText: "pizza" })).toContainText("Anonymous");
  await expect(moderation.locator(".entry", { hasText: "pizza" })).not.toContainText("Ben");
  for (const text of ["Will the slides be shared?", "Can we get pizza on Fridays?", "How do we book the big room?"]) {
    await moderation.getByRole("button", { name: `Approve: ${text}` }).click();
  }
  await moderation.getByRole("button", { name: "Hide: Something rude we will hide" }).click();
  await expect(moderation.getByText("pending", { exact: false })).toHaveCount(0);
  await expect(moderation.locator(".entry", { hasText: "Something rude" })).toContainText("hidden");

  // Phones follow: everyone sees the three, their own is published, the hidden one is nowhere.
  await expect(everyone(ben.page)).toHaveCount(3);
  await expect(everyone(ana.page)).toHaveCount(3);
  await expect(ana.page.getByRole("region", { name: "Yours" }).locator(".entry")).toHaveAttribute("data-status", "visible");
  await expect(ben.page.getByText("Something rude")).toHaveCount(0);
  await expect(everyone(ana.page).filter({ hasText: "pizza" })).toContainText("Anonymous");

  // -- votes: others' questions only ----------------------------------------------------------
  const own = everyone(ana.page).filter({ hasText: "Will the slides be shared?" });
  await expect(own.getByRole("button", { name: /Vote for/ })).toHaveCount(0);
  await expect(everyone(ana.page).getByRole("button", { name: /Vote for/ })).toHaveCount(2);
  await ben.page.getByRole("button", { name: "Vote for: Will the slides be shared?" }).click();
  await expect(ben.page.getByRole("button", { name: "Vote for: Will the slides be shared?" })).toHaveAttribute("aria-pressed", "true");
  await ana.page.getByRole("button", { name: "Vote for: How do we book the big room?" }).click();
  // Most votes first (equal votes: the one asked first); the counts reach the other phones and the console.
  await expect(everyone(ben.page).locator(".entry-text")).toHaveText([
    "Will the slides be shared?",
    "How do we book the big room?",
    "Can we get pizza on Fridays?",
  ]);
  await expect(everyone(ben.page).locator(".entry-votes-n")).toHaveText(["1", "1", "0"]);
  await expect(moderation.locator(".entry", { hasText: "Will the slides" }).locator(".entry-votes-n")).toHaveText("1");
  // Withdrawing a vote takes it back.
  await ana.page.getByRole("button", { name: "Vote for: How do we book the big room?" }).click();
  await expect(ana.page.getByRole("button", { name: "Vote for: How do we book the big room?" })).toHaveAttribute("aria-pressed", "false");
  await expect(everyone(ben.page).filter({ hasText: "big room" }).locator(".entry-votes-n")).toHaveText("0");
  // After a reload all of it comes from the live documents alone (the side tab, own votes).
  await ben.page.reload();
  await ben.page.getByRole("tab", { name: "Questions" }).click();
  await expect(ben.page.getByRole("button", { name: "Vote for: Will the slides be shared?" })).toHaveAttribute("aria-pressed", "true");
  await expect(ben.page.getByRole("region", { name: "Yours" })).toContainText("Can we get pizza on Fridays?");
  await screenshot(ana.page, "phone-qna-beside");

  // -- pin: the big screen shows the question over the poll -----------------------------------
  await moderation.getByRole("button", { name: "Pin: Will the slides be shared?" }).click();
  const banner = screen.getByTestId("side-spotlight");
  await expect(banner).toContainText("Will the slides be shared?");
  await expect(banner).toContainText("Ana");
  expect(await fontPx(banner.locator(".spotlight-text")), "the pinned question, read from the back").toBeGreaterThanOrEqual(40);
  await expect(screen.getByTestId("present-results")).toBeVisible(); // the poll is still there
  await expect(everyone(ben.page).filter({ hasText: "slides" })).toContainText("pinned");
  await expectAccessible(screen, "big screen: a pinned question over the poll");
  await screenshot(screen, "big-screen-qna-beside");
  await expectAccessible(admin, "console with the Q&A beside the poll");
  await side.scrollIntoViewIfNeeded();
  await screenshot(admin, "admin-moderation");

  // Answered: off the big screen, marked on the phones.
  await moderation.getByRole("button", { name: "Mark answered: Will the slides be shared?" }).click();
  await expect(banner).toBeHidden();
  await expect(everyone(ben.page).filter({ hasText: "slides" })).toContainText("answered");
  await expect(moderation.getByRole("button", { name: "Mark not answered: Will the slides be shared?" })).toBeVisible();

  // -- the Q&A on its own: the big screen lists the questions ---------------------------------
  await admin.getByRole("button", { name: "Activate Questions" }).click();
  await expect(ana.page.getByRole("tab")).toHaveCount(0); // one activity now: no tabs
  await expect(everyone(ana.page)).toHaveCount(3);
  await admin.getByRole("region", { name: "Moderation of Questions" }).getByRole("button", { name: "Pin: How do we book the big room?" }).click();
  const results = screen.getByTestId("present-results");
  await expect(results.locator(".spotlight .spotlight-text")).toHaveText("How do we book the big room?");
  await expect(results.locator(".entries .entry")).toHaveCount(3);
  await expect(results.locator(".entries .entry").first()).toContainText("Will the slides be shared?");
  expect(await fontPx(results.locator(".entries .entry-text").first()), "questions on the big screen").toBeGreaterThanOrEqual(28);
  // Closing questions takes the form off the phones; reopening brings it back.
  await admin.getByRole("button", { name: "Close questions", exact: true }).click();
  await expect(ana.page.getByText("No new entries for now.")).toBeVisible();
  await expect(ana.page.getByRole("textbox", { name: /Your question/ })).toHaveCount(0);
  await admin.getByRole("button", { name: "Reopen questions", exact: true }).click();
  await expect(ana.page.getByRole("textbox", { name: /Your question/ })).toBeVisible();
  await expectAccessible(screen, "big screen Q&A");
  await screenshot(screen, "big-screen-qna");
  await screenshot(ana.page, "phone-qna");

  // -- open text: a wall, one highlighted --------------------------------------------------------
  await admin.getByRole("button", { name: "Activate Retro" }).click();
  await expect(ana.page.getByRole("heading", { name: "Retro" })).toBeVisible();
  for (const [phone, words] of [
    [ana, ["Focused", "Sunny"]],
    [ben, ["Busy"]],
  ] as const) {
    for (const word of words) {
      await phone.page.getByRole("textbox", { name: /Your answer/ }).fill(word);
      await phone.page.getByRole("button", { name: "Submit" }).click();
      await expect(phone.page.getByRole("region", { name: "Yours" }).locator(".entry", { hasText: word })).toBeVisible();
    }
  }
  await expect(ana.page.getByText("You have used all your entries")).toBeVisible();
  await expect(ana.page.getByRole("textbox", { name: /Your answer/ })).toHaveCount(0);
  const wall = results.locator(".entries-wall .entry");
  await expect(wall).toHaveCount(3);
  await expect(wall.first()).toHaveText(/Busy/); // newest first
  await admin.getByRole("region", { name: "Moderation of Retro" }).getByRole("button", { name: "Highlight: Sunny" }).click();
  await expect(results.locator(".spotlight .spotlight-text")).toHaveText("Sunny");
  await expect(wall.filter({ hasText: "Sunny" })).toHaveClass(/highlight/);
  await expectNoSidewaysScroll(ben.page);
  await screenshot(screen, "big-screen-opentext");
  await screenshot(ben.page, "phone-opentext");

  expect(errors, "no page errors in the console").toEqual([]);
  expect([...ana.dialogs, ...ben.dialogs]).toEqual([]);
});
