/**
 * The whole product in a real browser: an admin builds a session with all four activity types,
 * three participants (separate browser contexts, phone-sized) join through the join URL and
 * answer every activity, and the big screen shows exactly the right results. Along the way:
 * reloads lose nothing, an answer sent offline lands once, a hostile nickname stays text, axe
 * finds no serious violation, and screenshots go to docs/screenshots/.
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USER } from "./global-setup";
import { BASE, expectAccessible, newPhone, screenshot, type Phone } from "./helpers";

const XSS = "<img src=x onerror=alert(1)>";

test.describe.configure({ mode: "serial" });

async function addActivity(admin: Page, type: string, title: string, fill: () => Promise<void>) {
  await admin.getByRole("button", { name: "Add activity" }).click();
  const form = admin.getByRole("form", { name: "New activity" });
  await form.getByLabel("Type").selectOption({ label: type });
  await form.getByLabel("Title", { exact: true }).fill(title);
  await fill();
  await form.getByRole("button", { name: "Add to session" }).click();
  await expect(admin.locator(".activity-row", { hasText: title })).toBeVisible();
}

async function bars(page: Page): Promise<string[]> {
  return page.locator("[data-testid=present-results] .bars .bar").evaluateAll((els) =>
    els.map((el) => `${el.querySelector(".bar-label")?.textContent}=${el.querySelector(".bar-figure")?.textContent}`),
  );
}

test("a full session: four activity types, three phones, one big screen", async ({ browser }) => {
  test.slow(); // the whole event, start to finish: about 2 minutes on a quiet machine
  const base = BASE();

  // -- the server sends a CSP without inline scripts --------------------------------------
  const home = await fetch(`${base}/admin`);
  const csp = home.headers.get("content-security-policy") ?? "";
  const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
  expect(scriptSrc).toContain("'self'");
  expect(scriptSrc).not.toContain("unsafe-inline");

  // -- the admin logs in and builds the session -------------------------------------------
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await adminContext.newPage();
  const dialogs: string[] = [];
  admin.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await admin.goto(`${base}/admin`);
  await expectAccessible(admin, "admin login");
  await admin.getByLabel("Username").fill(ADMIN_USER);
  await admin.getByLabel("Password").fill(ADMIN_PASSWORD);
  await admin.getByRole("button", { name: "Log in" }).click();
  await expect(admin.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();
  await expectAccessible(admin, "admin sessions list");
  await admin.getByLabel("New session name").fill("Team meeting");
  await admin.getByRole("button", { name: "Create session" }).click();
  await expect(admin.getByRole("heading", { name: "Team meeting" })).toBeVisible();
  const sessionId = admin.url().split("/").pop()!;

  await addActivity(admin, "Poll", "Colours", async () => {
    await admin.getByLabel("Question", { exact: true }).fill("Favourite colour?");
    await admin.getByLabel("Option 1", { exact: true }).fill("Red");
    await admin.getByLabel("Option 2", { exact: true }).fill("Green");
    await admin.getByRole("button", { name: "Add option" }).click();
    await admin.getByLabel("Option 3", { exact: true }).fill("Blue");
  });
  await addActivity(admin, "Planning poker", "Estimates", async () => {
    await admin.getByLabel("Item 1", { exact: true }).fill("Login page");
  });
  await addActivity(admin, "Quiz", "Quick quiz", async () => {
    const q1 = admin.getByRole("group", { name: "Question 1", exact: true });
    await q1.getByLabel("Question 1 text").fill("2 + 2 = ?");
    await q1.getByLabel("Question 1 option 1").fill("3");
    await q1.getByLabel("Question 1 option 2").fill("4");
    await q1.getByLabel("Option 2 is correct").check();
    await q1.getByLabel("Time limit (seconds)").fill("60");
    await admin.getByRole("button", { name: "Add question" }).click();
    const q2 = admin.getByRole("group", { name: "Question 2", exact: true });
    await q2.getByLabel("Kind").selectOption("true_false");
    await q2.getByLabel("Question 2 text").fill("The sky is blue");
    await q2.getByLabel("Time limit (seconds)").fill("60");
    await admin.getByLabel("Scoring").selectOption("flat");
    await admin.getByLabel("Streak bonus").uncheck();
  });
  await addActivity(admin, "Word cloud", "Words", async () => {
    await admin.getByLabel("Prompt").fill("One word for today");
    await admin.getByLabel("Characters per entry").fill("40");
  });
  await expectAccessible(admin, "admin session editor (draft)");

  // keyboard-accessible reorder: move "Words" up and back down
  await admin.getByRole("button", { name: "Move Words up" }).focus();
  await admin.keyboard.press("Enter");
  await expect(admin.locator(".activity-row .activity-title")).toHaveText(["Colours", "Estimates", "Words", "Quick quiz"]);
  await expect(admin.getByRole("button", { name: "Move Words down" })).toBeEnabled();
  await admin.getByRole("button", { name: "Move Words down" }).focus();
  await admin.keyboard.press("Enter");
  await expect(admin.locator(".activity-row .activity-title")).toHaveText(["Colours", "Estimates", "Quick quiz", "Words"]);

  // edit an activity before the session starts
  await admin.getByRole("button", { name: "Edit Words" }).click();
  const edit = admin.getByRole("form", { name: "Edit activity" });
  await edit.getByLabel("Description (optional)").fill("Be brief");
  await edit.getByRole("button", { name: "Save activity" }).click();
  await expect(edit).toBeHidden();

  await admin.getByRole("button", { name: "Start session" }).click();
  await expect(admin.getByRole("button", { name: "Complete session" })).toBeVisible();
  const joinUrl = (await admin.locator(".editor-head .admin-join-url").textContent())!.trim();
  expect(joinUrl).toMatch(/\/join\/[A-Z0-9]+$/);

  // -- the big screen ----------------------------------------------------------------------
  const screenContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await screenContext.addCookies(await admin.context().cookies()); // the login is an HttpOnly cookie
  const screen = await screenContext.newPage();
  screen.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await screen.goto(`${base}/present/${sessionId}`);
  await expect(screen.getByRole("heading", { name: "Join on your phone" })).toBeVisible();
  await expect(screen.getByTestId("join-code")).toHaveText(joinUrl.split("/").pop()!);
  await expect(screen.getByRole("img", { name: /QR code to join/ })).toBeVisible();

  // -- three phones join through the join URL ----------------------------------------------
  const ana = await newPhone(browser);
  const ben = await newPhone(browser);
  const eve = await newPhone(browser);
  const phones: [Phone, string][] = [
    [ana, "Ana"],
    [ben, "Ben"],
    [eve, XSS],
  ];
  // Ana uses the keyboard only.
  await ana.page.goto(joinUrl);
  await expectAccessible(ana.page, "participant join form");
  await screenshot(ana.page, "phone-join");
  await ana.page.keyboard.press("Tab");
  await expect(ana.page.getByLabel("Nickname")).toBeFocused();
  await ana.page.keyboard.type("Ana");
  await ana.page.keyboard.press("Enter");
  await expect(ana.page.getByRole("heading", { name: "You’re in!" })).toBeVisible();
  for (const [phone, nickname] of phones.slice(1)) {
    await phone.page.goto(joinUrl);
    await phone.page.getByLabel("Nickname").fill(nickname);
    await phone.page.getByRole("button", { name: "Join" }).click();
    await expect(phone.page.getByRole("heading", { name: "You’re in!" })).toBeVisible();
  }
  await expect(eve.page.getByLabel("Your nickname")).toHaveText(XSS);
  await expectAccessible(eve.page, "participant waiting screen");
  await expect(screen.getByTestId("participant-count")).toHaveText("3");
  // the presenter removes an unwanted fourth participant
  const mallory = await newPhone(browser);
  await mallory.page.goto(joinUrl);
  await mallory.page.getByLabel("Nickname").fill("Mallory");
  await mallory.page.getByRole("button", { name: "Join" }).click();
  await expect(screen.getByTestId("participant-count")).toHaveText("4");
  await admin.getByRole("button", { name: "Remove Mallory" }).click();
  await expect(mallory.page.getByRole("heading", { name: "You are no longer in this session" })).toBeVisible({ timeout: 30_000 });
  await expect(screen.getByTestId("participant-count")).toHaveText("3");
  await expectAccessible(mallory.page, "participant removed");
  await mallory.context.close();
  await expectAccessible(screen, "big screen join");
  await screenshot(screen, "big-screen-join");
  await expect(admin.locator(".people .nickname")).toHaveText(["Ana", "Ben", XSS].sort() as string[], { useInnerText: true }).catch(async () => {
    // order is the server's; compare as sets
    const names = await admin.locator(".people .nickname").allTextContents();
    expect(names.sort()).toEqual(["Ana", "Ben", XSS].sort());
  });

  // -- poll ----------------------------------------------------------------------------------
  await admin.getByRole("button", { name: "Activate Colours" }).click();
  await expect(screen.getByRole("heading", { name: "Favourite colour?" })).toBeVisible();
  // keyboard only: Tab to the first option, Space to choose it, Tab to Submit, Enter
  await expect(ana.page.getByRole("radio", { name: "Red" })).toBeVisible();
  await expectAccessible(ana.page, "participant poll");
  await screenshot(ana.page, "phone-poll");
  await ana.page.keyboard.press("Tab");
  await expect(ana.page.getByRole("radio", { name: "Red" })).toBeFocused();
  await ana.page.keyboard.press("Space");
  await ana.page.keyboard.press("Tab");
  await expect(ana.page.getByRole("button", { name: "Submit" })).toBeFocused();
  await ana.page.keyboard.press("Enter");
  await expect(ana.page.getByText("Answer received")).toBeVisible();
  await ben.page.getByLabel("Red", { exact: true }).check();
  await ben.page.getByRole("button", { name: "Submit" }).click();
  await eve.page.getByLabel("Blue", { exact: true }).check();
  await eve.page.getByRole("button", { name: "Submit" }).click();
  for (const [phone] of phones) await expect(phone.page.getByText("Answer received")).toBeVisible();
  await expect.poll(() => bars(screen)).toEqual(["Red=67%", "Green=0%", "Blue=33%"]);
  await expect(screen.getByText("3 voters")).toBeVisible();
  await expectAccessible(screen, "big screen poll");
  await screenshot(screen, "big-screen-poll");
  await screenshot(admin, "admin-console");
  // the light theme, for bright rooms
  await screen.keyboard.press("t");
  await expect(screen.locator(".present.theme-light")).toBeVisible();
  await expectAccessible(screen, "big screen poll, light theme");
  await screenshot(screen, "big-screen-poll-light");
  await screen.keyboard.press("t");
  // the big screen loses the network: it says so, and recovers by itself
  await screenContext.setOffline(true);
  await expect(screen.getByText("Reconnecting…")).toBeVisible();
  await screenContext.setOffline(false);
  await expect(screen.getByText("Reconnecting…")).toBeHidden({ timeout: 40_000 });
  await expectAccessible(ben.page, "participant poll answered");
  // a reload keeps the participant and their answer
  await ben.page.reload();
  await expect(ben.page.getByLabel("Your nickname")).toHaveText("Ben");
  await expect(ben.page.getByText("Answer received")).toBeVisible();
  await screenshot(ben.page, "phone-poll-answered");

  // -- planning poker ---------------------------------------------------------------------------
  await admin.getByRole("button", { name: "Activate Estimates" }).click();
  await expect(screen.getByText("Login page — round 1")).toBeVisible();
  await expect(ana.page.getByRole("button", { name: "Card 5" })).toBeVisible();
  await expectAccessible(ana.page, "participant poker");
  await screenshot(ana.page, "phone-poker");
  await ana.page.getByRole("button", { name: "Card 5" }).click();
  await expect(ana.page.getByText("Answer received")).toBeVisible();
  await ben.page.getByRole("button", { name: "Card 8" }).click();
  // the big screen sees who voted, never what
  await expect(screen.locator(".flip-card")).toHaveCount(2);
  await expect(screen.locator(".flip-card.face-up")).toHaveCount(0);
  await screen.reload(); // a reload of the big screen loses nothing
  await expect(screen.locator(".flip-card")).toHaveCount(2);
  await eve.page.getByRole("button", { name: "Card 5" }).click();
  // everyone connected has voted: the cards flip by themselves
  await expect(screen.locator(".flip-card.face-up")).toHaveCount(3);
  const cards = await screen.locator(".flip-card").evaluateAll((els) =>
    els.map((el) => `${el.querySelector(".card-label")?.childNodes[0]?.textContent}=${el.querySelector(".card-value")?.textContent}`).sort(),
  );
  expect(cards).toEqual([`${XSS}=5`, "Ana=5", "Ben=8"].sort());
  await expect(screen.locator(".stat", { hasText: "Average" }).locator("dd")).toHaveText("6");
  await expect(screen.locator(".stat", { hasText: "Median" }).locator("dd")).toHaveText("5");
  await expectAccessible(screen, "big screen poker revealed");
  await screenshot(screen, "big-screen-poker");
  await admin.getByRole("form", { name: "Accept estimate" }).getByLabel("Estimate").fill("5");
  await admin.getByRole("button", { name: "Accept estimate" }).click();
  await expect(screen.getByRole("cell", { name: "Login page" })).toBeVisible();

  // -- quiz ------------------------------------------------------------------------------------
  await admin.getByRole("button", { name: "Activate Quick quiz" }).click();
  await expect(ana.page.getByText("Get ready: the quiz starts soon!")).toBeVisible();
  await admin.getByRole("button", { name: "Next question" }).click();
  await expect(screen.getByText("2 + 2 = ?")).toBeVisible();
  await expect(screen.getByRole("timer")).toBeVisible();
  await expect(ana.page.getByRole("button", { name: "4", exact: true })).toBeVisible();
  await expectAccessible(ana.page, "participant quiz question");
  await screenshot(ana.page, "phone-quiz");
  await screenshot(screen, "big-screen-quiz-question");
  await ana.page.getByRole("button", { name: "4", exact: true }).click();
  await ben.page.getByRole("button", { name: "3", exact: true }).click();
  await eve.page.getByRole("button", { name: "4", exact: true }).click();
  for (const [phone] of phones) await expect(phone.page.getByText("Answer received")).toBeVisible();
  await admin.getByRole("button", { name: "Reveal answer", exact: true }).click();
  await expect.poll(() => bars(screen)).toEqual(["3=1", "✓ 4=2"]);
  await expect(ana.page.getByText("Correct!")).toBeVisible();
  await expect(ben.page.getByText("Not this time")).toBeVisible();
  await expectAccessible(ben.page, "participant quiz revealed");
  await admin.getByRole("button", { name: "Next question" }).click();
  await expect(screen.getByText("The sky is blue")).toBeVisible();
  // a reload in the middle of a question keeps the participant
  await eve.page.reload();
  await ana.page.getByRole("button", { name: "True" }).click();
  await ben.page.getByRole("button", { name: "False" }).click();
  await eve.page.getByRole("button", { name: "False" }).click();
  for (const [phone] of phones) await expect(phone.page.getByText("Answer received")).toBeVisible();
  await admin.getByRole("button", { name: "Reveal answer", exact: true }).click();
  await expect.poll(() => bars(screen)).toEqual(["✓ True=1", "False=2"]);
  await admin.getByRole("button", { name: "Finish quiz" }).click();
  const podium = screen.locator(".podium .step");
  await expect(podium).toHaveCount(2); // nobody stands on the podium with no points
  await expect(screen.locator(".podium .step-1 .name")).toHaveText("Ana");
  await expect(screen.locator(".podium .step-1 .score")).toHaveText("2,000");
  await expect(screen.locator(".podium .step-2 .name")).toHaveText(XSS);
  await expect(screen.locator(".podium .step-2 .score")).toHaveText("1,000");
  await expect(screen.locator(".leaderboard-list li")).toHaveText([
    /^1Ana.*2,000$/,
    new RegExp(`^2${XSS.replace(/[()[\]]/g, "\\$&")}.*1,000$`),
    /^3Ben.*0$/,
  ]);
  await expect(ana.page.getByTestId("final-score")).toHaveText("2,000");
  await expect(ana.page.getByTestId("final-rank")).toHaveText("1");
  await expect(ben.page.getByTestId("final-rank")).toHaveText("3");
  await expectAccessible(screen, "big screen quiz podium");
  await expectAccessible(ana.page, "participant quiz final");
  await screenshot(screen, "big-screen-podium");
  await screenshot(ana.page, "phone-quiz-final");

  // -- word cloud ------------------------------------------------------------------------------
  await admin.getByRole("button", { name: "Activate Words" }).click();
  const anaInput = ana.page.getByLabel("One word for today");
  await expect(anaInput).toBeVisible();
  await expectAccessible(ana.page, "participant word cloud");
  // keyboard only
  await ana.page.keyboard.press("Tab");
  await expect(anaInput).toBeFocused();
  await ana.page.keyboard.type("python");
  await ana.page.keyboard.press("Enter");
  await expect(ana.page.getByText("Answer received")).toBeVisible();
  await ben.page.getByLabel("One word for today").fill("Python!");
  await ben.page.getByRole("button", { name: "Send" }).click();
  await eve.page.getByLabel("One word for today").fill(XSS);
  await eve.page.getByRole("button", { name: "Send" }).click();
  await expect(eve.page.locator(".entry-list li")).toHaveText([XSS]);

  // offline: the answer waits and lands when the network comes back
  await ana.context.setOffline(true);
  await anaInput.fill("offline");
  await ana.page.getByRole("button", { name: "Send" }).click();
  await expect(ana.page.getByText("No connection: your answer will be sent")).toBeVisible();
  await ana.context.setOffline(false);
  await expect(ana.page.locator(".entry-list li")).toHaveText(["python", "offline"]);

  // the reply is lost after the server stored the answer: the retry is not counted twice
  let dropped = 0;
  await ben.page.route("**/responses", async (route) => {
    if (dropped === 0) {
      dropped += 1;
      await route.fetch(); // the server stores it ...
      await route.abort("connectionreset"); // ... but the phone never hears back
    } else {
      await route.continue();
    }
  });
  await ben.page.getByLabel("One word for today").fill("sunny");
  await ben.page.getByRole("button", { name: "Send" }).click();
  await expect(ben.page.locator(".entry-list li")).toHaveText(["Python", "sunny"]);
  expect(dropped).toBe(1);

  const words = screen.locator("[data-testid=present-results] ul[aria-label=Words] li");
  await expect
    .poll(async () => (await words.allTextContents()).map((w) => w.toLowerCase()).sort())
    .toEqual([`${XSS}: 1`, "offline: 1", "python: 2", "sunny: 1"].sort());
  await expect(screen.getByTestId("cloud-svg")).toBeVisible();
  await expectAccessible(screen, "big screen word cloud");
  await screenshot(screen, "big-screen-wordcloud");
  await screenshot(eve.page, "phone-wordcloud");

  // moderation: the presenter hides a word and it vanishes from the big screen
  await admin.getByRole("button", { name: "Hide “sunny”" }).click();
  await expect
    .poll(async () => (await words.allTextContents()).map((w) => w.toLowerCase()).sort())
    .toEqual([`${XSS}: 1`, "offline: 1", "python: 2"].sort());
  await expect(admin.getByRole("button", { name: "Show “sunny” again" })).toBeVisible();

  await expect(screen.getByText("Be brief")).toBeVisible();
  await admin.getByRole("button", { name: "Close Words" }).click();
  await expect(ana.page.getByLabel("One word for today")).toBeHidden();
  await expect(admin.locator(".activity-row", { hasText: "Words" }).getByText("Closed")).toBeVisible();

  // -- the end ---------------------------------------------------------------------------------
  await admin.getByRole("button", { name: "Complete session" }).click();
  await expect(screen.getByRole("heading", { name: "Thank you!" })).toBeVisible();
  await expect(ben.page.getByRole("heading", { name: "The session has ended" })).toBeVisible();
  await expectAccessible(admin, "admin session editor (completed)");
  await expectAccessible(ben.page, "participant session ended");

  // export: every answer with its nickname, as CSV and as JSON
  const csvDownload = admin.waitForEvent("download");
  await admin.getByText("Download", { exact: true }).click(); // the downloads menu
  await admin.getByRole("button", { name: "Export CSV" }).click();
  const csv = await (await csvDownload).createReadStream().then(async (stream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  });
  expect(csv).toContain("Red");
  expect(csv).toContain("Ben");
  expect(csv).toContain("sunny");
  const jsonDownload = admin.waitForEvent("download");
  await admin.getByText("Download", { exact: true }).click(); // the downloads menu
  await admin.getByRole("button", { name: "Export JSON" }).click();
  const jsonPath = await (await jsonDownload).path();
  const exported = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(jsonPath, "utf8"))) as unknown;
  expect(JSON.stringify(exported)).toContain("Login page");

  // no script ran from the hostile nickname or entry, on any screen
  for (const [phone] of phones) expect(phone.dialogs).toEqual([]);
  expect(dialogs).toEqual([]);
  const xssOnScreen = await screen.evaluate(() => document.querySelectorAll("img[src='x']").length);
  expect(xssOnScreen).toBe(0);
  const xssOnAdmin = await admin.evaluate(() => document.querySelectorAll("img[src='x']").length);
  expect(xssOnAdmin).toBe(0);
  await expect(admin.locator(".people .nickname", { hasText: XSS })).toHaveText(XSS);

  // sessions: rename and delete from the list
  await admin.goto(`${base}/admin`);
  await admin.getByLabel("New session name").fill("Scratch");
  await admin.getByRole("button", { name: "Create session" }).click();
  await expect(admin.getByRole("heading", { name: "Scratch" })).toBeVisible();
  await admin.getByRole("link", { name: "All sessions" }).click();
  await admin.getByRole("button", { name: "Rename Scratch" }).click();
  await admin.getByLabel("Session name", { exact: true }).fill("Scratch 2");
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByRole("link", { name: "Scratch 2" })).toBeVisible();
  await admin.getByRole("button", { name: "Delete Scratch 2" }).click();
  await admin.getByRole("button", { name: "Confirm delete" }).click();
  await expect(admin.getByRole("link", { name: "Scratch 2" })).toHaveCount(0);
  await expect(admin.getByRole("link", { name: "Team meeting" })).toBeVisible();
  await expectAccessible(admin, "admin sessions list with sessions");
});
