/**
 * Every built-in type answered from a phone with the keyboard only (Tab, Shift+Tab, Enter,
 * Space, arrow keys, typing: no click and no fill on the phone), checked the way assistive
 * technology meets the page:
 *
 * - what a screen reader would announce: a recorder (`RECORD_ANNOUNCEMENTS`) logs each change
 *   of text inside a live region that was already on the page (aria-live, role status, alert,
 *   log), as screen readers announce them; a region inserted together with its text is not
 *   logged, since screen readers often stay silent about those;
 * - where the focus is after answering (never lost to <body>);
 * - the quiz countdown's live region speaks at a few marks, not every second;
 * - the phone reflows at 320 px with no sideways scrolling, in every type's states;
 * - prefers-reduced-motion stops the animations and transitions on the phone and big screen.
 *
 * The presenter's side goes through the admin API.
 */
import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { adminPage, adminToken, apiAs, joinAs } from "./event-helpers";
import { BASE } from "./helpers";

type Json = Record<string, unknown>;

interface Announcement {
  politeness: string;
  text: string;
}

/** Runs in each phone page before its scripts: the announcement and countdown recorder. */
function RECORD_ANNOUNCEMENTS(): void {
  const announced: Announcement[] = [];
  const timerTexts: string[] = [];
  const w = window as unknown as { __announced: Announcement[]; __timerTexts: string[] };
  w.__announced = announced;
  w.__timerTexts = timerTexts;
  const region = (node: Node): { el: Element; politeness: string } | null => {
    for (let el = node instanceof Element ? node : node.parentElement; el; el = el.parentElement) {
      const live = el.getAttribute("aria-live");
      if (live) return live === "off" ? null : { el, politeness: live };
      const role = el.getAttribute("role");
      if (role === "status" || role === "log") return { el, politeness: "polite" };
      if (role === "alert") return { el, politeness: "assertive" };
      if (role === "timer" || role === "marquee") return null; // live, but off by default
    }
    return null;
  };
  const said = new WeakMap<Element, string>();
  const textOf = (el: Element) => (el.textContent ?? "").replace(/\s+/g, " ").trim();
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      const target = m.target instanceof Element ? m.target : m.target.parentElement;
      const timer = target?.closest('[role="timer"]');
      if (timer) {
        const label = timer.getAttribute("aria-label") ?? textOf(timer);
        if (timerTexts[timerTexts.length - 1] !== label) timerTexts.push(label);
      }
      if (m.type === "attributes") continue;
      const live = region(m.target);
      if (!live) continue;
      const text = textOf(live.el);
      if (said.get(live.el) === text) continue;
      said.set(live.el, text);
      if (text) announced.push({ politeness: live.politeness, text });
    }
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["aria-label"] });
}

const announcements = (page: Page) => page.evaluate(() => (window as unknown as { __announced: Announcement[] }).__announced);

/** A screen reader would say `text` politely (a change inside a polite live region). */
async function expectAnnounced(page: Page, text: string | RegExp): Promise<void> {
  const matches = (a: Announcement) => (typeof text === "string" ? a.text.includes(text) : text.test(a.text));
  await expect
    .poll(async () => (await announcements(page)).filter(matches).map((a) => a.politeness), { message: `announced: ${String(text)}` })
    .toContain("polite");
}

/** What has the focus, or null when it is lost (on <body> or nowhere). */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    return { tag: el.tagName.toLowerCase(), text: (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 80), inMain: !!el.closest("main") };
  });
}

/** The focus is on something on the phone's page, not dropped to <body>. */
async function expectFocusKept(page: Page): Promise<void> {
  const where = await focused(page);
  expect(where, "the focus after answering (null: lost to <body>)").not.toBeNull();
  expect(where!.inMain, `the focus is in the page's main part: ${JSON.stringify(where)}`).toBe(true);
}

/** Presses `key` (Tab or Shift+Tab) until `target` has the focus: it must be reachable. */
async function tabTo(page: Page, target: Locator, key: "Tab" | "Shift+Tab" = "Tab"): Promise<void> {
  await expect(target).toBeVisible();
  for (let i = 0; i < 30; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  await expect(target, `reachable with ${key}`).toBeFocused({ timeout: 1 });
}

/** At 320 CSS px wide (a small phone, or 400 % zoom of 1280 px) the page does not scroll sideways. */
async function expectReflow(page: Page, what: string, keep: Locator): Promise<void> {
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = () =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      // the innermost elements reaching past the right edge, to say what to fix
      return [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.className)} (${Math.round(el.getBoundingClientRect().right)} px)`)
        .slice(0, 5);
    });
  await expect.poll(overflow, { message: `${what}: no sideways scrolling at 320 px` }).toEqual([]);
  await expect(keep).toBeVisible();
  await page.screenshot({ path: test.info().outputPath(`320px ${what}.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
}

interface Setup {
  sid: string;
  aid: string;
  joinCode: string;
  api: ReturnType<typeof apiAs>;
}

async function sessionWith(type: string, title: string, config: Json): Promise<Setup> {
  const api = apiAs(await adminToken());
  const session = await api("POST", "/api/sessions", { name: `Keyboard ${type}` });
  const sid = session.id as string;
  const activity = await api("POST", `/api/sessions/${sid}/activities`, { type, title, config });
  await api("POST", `/api/sessions/${sid}/start`);
  return { sid, aid: activity.id as string, joinCode: session.join_code as string, api };
}

const opened: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

/** A 390 px phone that joins with the keyboard: Tab to the nickname, type it, Enter. */
async function keyboardPhone(browser: Browser, joinCode: string, nickname: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  opened.push(context);
  const page = await context.newPage();
  await page.addInitScript(RECORD_ANNOUNCEMENTS);
  await page.goto(`${BASE()}/join/${joinCode}`);
  await tabTo(page, page.getByRole("textbox", { name: "Nickname" }));
  await page.keyboard.type(nickname);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "You’re in!" })).toBeVisible();
  await expect(page.getByLabel("Your nickname")).toHaveText(nickname);
  // the join form went: the new screen's heading has the focus, not <body>
  await expect(page.getByRole("heading", { name: "You’re in!" })).toBeFocused();
  return page;
}

async function activate(s: Setup, phone: Page, title: string, actions: string[] = []): Promise<void> {
  await s.api("POST", `/api/sessions/${s.sid}/activities/${s.aid}/activate`);
  for (const action of actions) await s.api("POST", `/api/sessions/${s.sid}/activities/${s.aid}/actions/${action}`, {});
  await expect(phone.getByRole("heading", { name: title })).toBeVisible();
  await expectAnnounced(phone, `New activity: ${title}`); // the page changed under the reader
  await expect(phone.getByRole("heading", { name: title })).toBeFocused(); // the waiting screen's went
}

/** "Answer received" is said politely and shown. */
async function expectReceived(phone: Page): Promise<void> {
  await expect(phone.getByRole("status").filter({ hasText: "Answer received" })).toBeVisible();
  await expectAnnounced(phone, "Answer received");
}

test.describe("keyboard only, with what a screen reader hears", () => {
  test("poll: arrow keys choose, Enter sends, results are announced", async ({ browser }) => {
    const s = await sessionWith("poll", "Drinks", {
      question: "Tea or coffee?",
      options: [{ text: "Tea" }, { text: "Coffee" }, { text: "Water" }],
      results_visibility: "after_answer",
    });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Drinks");
    await expectReflow(phone, "poll form", phone.getByRole("radio", { name: "Water" }));
    await tabTo(phone, phone.getByRole("radio", { name: "Tea" }));
    await phone.keyboard.press("ArrowDown"); // a radio group moves and chooses with the arrows
    await expect(phone.getByRole("radio", { name: "Coffee" })).toBeChecked();
    await expect(phone.getByRole("radio", { name: "Coffee" })).toBeFocused();
    await expect(phone.getByRole("group", { name: "Tea or coffee?" })).toMatchAriaSnapshot(`
      - group "Tea or coffee?":
        - radio "Tea"
        - radio "Coffee" [checked]
        - radio "Water"
    `);
    await tabTo(phone, phone.getByRole("button", { name: "Submit" }));
    await phone.keyboard.press("Enter");
    await expectReceived(phone);
    await expectAnnounced(phone, "Results are shown below.");
    await expect(phone.locator(".bar", { hasText: "Coffee" })).toContainText("100%");
    await expectFocusKept(phone);
    await expectReflow(phone, "poll results", phone.locator(".bar", { hasText: "Coffee" }));
  });

  test("planning poker: Tab to a card, Enter plays it; the reveal is announced", async ({ browser }) => {
    const s = await sessionWith("poker", "Estimates", { items: [{ title: "Login page" }] });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Estimates");
    await expect(phone.getByText("Login page", { exact: true })).toBeVisible();
    await expectReflow(phone, "poker deck", phone.getByRole("button", { name: "Card 5" }));
    const five = phone.getByRole("button", { name: "Card 5" });
    // every card a button named for a person to hear ("Card ½", not "½"), none pressed yet
    await expect(phone.getByRole("group", { name: "Your estimate" })).toMatchAriaSnapshot(`
      - group "Your estimate":
        - button "Card 0"
        - button "Card ½"
        - button "Card 5"
        - button "Card 8"
        - button "Card 100"
        - button "Not sure (?)"
    `);
    await expect(phone.getByRole("group", { name: "Your estimate" }).locator("[aria-pressed=true]")).toHaveCount(0);
    await tabTo(phone, phone.getByRole("button", { name: "Card 8" }));
    await tabTo(phone, five, "Shift+Tab");
    await phone.keyboard.press("Enter");
    await expectReceived(phone);
    // the only voter has voted: the cards are revealed (auto reveal) and that is said once
    await expectAnnounced(phone, "Results are shown below.");
    await expect(phone.locator(".flip-back, .card-face, .cards").filter({ hasText: "5" }).first()).toBeVisible();
    await expectFocusKept(phone);
    await expectReflow(phone, "poker revealed", phone.getByRole("heading", { name: "Estimates" }));
  });

  test("quiz: Tab to an answer tile, Enter answers; the verdict is announced", async ({ browser }) => {
    const s = await sessionWith("quiz", "Quick quiz", {
      questions: [{ kind: "single", text: "2 + 2 = ?", options: ["3", "4", "5"], correct: 1, time_limit_seconds: 120 }],
    });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Quick quiz", ["next"]);
    await expect(phone.getByText("2 + 2 = ?")).toBeVisible();
    await expectReflow(phone, "quiz question", phone.getByRole("button", { name: "5", exact: true }));
    await tabTo(phone, phone.getByRole("button", { name: "4", exact: true }));
    await phone.keyboard.press("Enter");
    await expectReceived(phone);
    await expect(phone.getByRole("button", { name: "4", exact: true })).toHaveCount(0); // one answer per question
    await expectFocusKept(phone);
    await s.api("POST", `/api/sessions/${s.sid}/activities/${s.aid}/actions/reveal`, {});
    await expect(phone.getByText("Correct!", { exact: true })).toBeVisible();
    await expectAnnounced(phone, /^Correct!\s*\+\d+ points · total \d+ · rank 1$/);
    await expectReflow(phone, "quiz verdict", phone.getByText("Correct!", { exact: true }));
  });

  test("word cloud: type a word, Enter sends it; the cloud shows it", async ({ browser }) => {
    const s = await sessionWith("wordcloud", "Mood", { prompt: "One word for today" });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Mood");
    const field = phone.getByRole("textbox", { name: "One word for today" });
    await expectReflow(phone, "word cloud form", field);
    await tabTo(phone, field);
    await phone.keyboard.type("sunny");
    await phone.keyboard.press("Enter");
    await expectReceived(phone);
    await expect(phone.getByRole("region", { name: "Your entries" }).getByText("sunny")).toBeVisible();
    await expect(phone.locator(".cloud-svg, .block").getByText("sunny").first()).toBeVisible();
    await expectFocusKept(phone);
    await expectReflow(phone, "word cloud results", phone.getByRole("region", { name: "Your entries" }));
  });

  test("Q&A: ask a question, upvote another's, switch the order, all from the keyboard", async ({ browser }) => {
    const s = await sessionWith("qna", "Questions", { prompt: "Ask the speaker" });
    const ben = await joinAs(s.joinCode, "Ben");
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Questions");
    const r = await fetch(`${BASE()}/api/sessions/${s.sid}/activities/${s.aid}/items`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${ben.token}` },
      body: JSON.stringify({ data: { text: "Is there a recording?" } }),
    });
    expect(r.ok).toBe(true);
    await expect(phone.getByText("Is there a recording?")).toBeVisible();
    const field = phone.getByRole("textbox").first();
    await expectReflow(phone, "Q&A form", field);
    await tabTo(phone, field);
    await phone.keyboard.type("What comes next?");
    await tabTo(phone, phone.getByRole("button", { name: /^(Send|Submit)$/ }));
    await phone.keyboard.press("Enter");
    await expectAnnounced(phone, "Sent");
    const yours = phone.getByRole("region", { name: "Yours" });
    await expect(yours.getByText("What comes next?")).toBeVisible();
    await expectFocusKept(phone);

    const everyone = phone.getByRole("region", { name: "Everyone's" });
    const texts = () => everyone.locator(".entry-text").allTextContents();
    const vote = phone.getByRole("button", { name: "Vote for: Is there a recording?" });
    await tabTo(phone, vote);
    await phone.keyboard.press("Enter");
    await expect(vote).toHaveAttribute("aria-pressed", "true");
    await expect(everyone.locator(".entry", { hasText: "Is there a recording?" })).toMatchAriaSnapshot(`
      - listitem:
        - button /^Vote for. Is there a recording\\?$/ [pressed]
    `);
    await expect(vote).toBeFocused();
    await expect(everyone.locator(".entry", { hasText: "Is there a recording?" })).toContainText("1 vote");
    await expect.poll(texts).toEqual(["Is there a recording?", "What comes next?"]); // most votes first
    // the order: a radio group, moved with the arrow keys
    await tabTo(phone, phone.getByRole("radio", { name: "Most votes" }), "Shift+Tab");
    await phone.keyboard.press("ArrowRight");
    await expect(phone.getByRole("radio", { name: "Newest" })).toBeChecked();
    await expect.poll(texts).toEqual(["What comes next?", "Is there a recording?"]);
    await expectReflow(phone, "Q&A entries", everyone);
  });

  test("open text: type an answer, Tab to Send, Enter; it is announced and listed", async ({ browser }) => {
    const s = await sessionWith("opentext", "Keep", { prompt: "What should we keep?" });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Keep");
    const field = phone.getByRole("textbox").first();
    await expectReflow(phone, "open text form", field);
    await tabTo(phone, field);
    await phone.keyboard.type("Pairing on Fridays");
    await tabTo(phone, phone.getByRole("button", { name: /^(Send|Submit)$/ }));
    await phone.keyboard.press("Enter");
    await expectAnnounced(phone, "Sent");
    await expect(phone.getByRole("region", { name: "Yours" }).getByText("Pairing on Fridays")).toBeVisible();
    await expect(phone.getByRole("region", { name: "Everyone's" }).getByText("Pairing on Fridays")).toBeVisible();
    await expectFocusKept(phone);
    await expectReflow(phone, "open text entries", phone.getByRole("region", { name: "Everyone's" }));
  });

  test("scale: arrow keys set each slider, Enter sends; results when closed", async ({ browser }) => {
    const s = await sessionWith("scale", "Agree", { question: "How much do you agree?", statements: ["Clear goals", "Useful demo"] });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Agree");
    const goals = phone.getByRole("slider", { name: /^Clear goals/ });
    const demo = phone.getByRole("slider", { name: /^Useful demo/ });
    await expectReflow(phone, "scale form", demo);
    await tabTo(phone, goals);
    await phone.keyboard.press("ArrowRight"); // from the middle (3) to 4
    await expect(goals).toHaveValue("4");
    await phone.keyboard.press("Tab");
    await expect(demo).toBeFocused();
    await phone.keyboard.press("End");
    await expect(demo).toHaveValue("5");
    await tabTo(phone, phone.getByRole("button", { name: "Submit" }));
    await phone.keyboard.press("Enter");
    await expectReceived(phone);
    await expectFocusKept(phone);
    await s.api("POST", `/api/sessions/${s.sid}/activities/${s.aid}/close`);
    await expectAnnounced(phone, "Results are shown below.");
    await expect(phone.locator(".stat", { hasText: "Clear goals" }).locator("dd")).toHaveText("4");
    await expect(phone.locator(".stat", { hasText: "Useful demo" }).locator("dd")).toHaveText("5");
    await expectReflow(phone, "scale results", phone.locator(".stat", { hasText: "Useful demo" }));
  });

  test("ranking: Enter on the move buttons orders, each move announced; results when closed", async ({ browser }) => {
    const s = await sessionWith("ranking", "Priorities", { question: "Order these", items: ["Speed", "Price", "Support"] });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Priorities");
    const order = () => phone.locator(".ordering-label").allTextContents();
    await expectReflow(phone, "ranking form", phone.getByRole("button", { name: "Move “Support” up" }));
    const up = phone.getByRole("button", { name: "Move “Support” up" });
    await tabTo(phone, up);
    await phone.keyboard.press("Enter");
    await expect(up).toBeFocused();
    await phone.keyboard.press("Enter");
    await expect.poll(order).toEqual(["Support", "Speed", "Price"]);
    await expectAnnounced(phone, "“Support” is now number 1 of 3");
    await tabTo(phone, phone.getByRole("button", { name: "Submit" }));
    await phone.keyboard.press("Enter");
    await expectReceived(phone);
    await expectFocusKept(phone);
    await s.api("POST", `/api/sessions/${s.sid}/activities/${s.aid}/close`);
    await expectAnnounced(phone, "Results are shown below.");
    await expect(phone.locator(".bar", { hasText: "Support" }).first()).toBeVisible();
    await expectReflow(phone, "ranking results", phone.locator(".bar", { hasText: "Support" }).first());
  });

  test("the quiz countdown is announced at a few marks, not every second", async ({ browser }) => {
    const s = await sessionWith("quiz", "Timed quiz", {
      questions: [{ kind: "single", text: "Capital of France?", options: ["Paris", "Lyon"], correct: 0, time_limit_seconds: 15 }],
    });
    const phone = await keyboardPhone(browser, s.joinCode, "Ana");
    await activate(s, phone, "Timed quiz", ["next"]);
    await expect(phone.getByRole("timer")).toBeVisible();
    await expect(phone.getByText("Answers are closed for now.")).toBeVisible({ timeout: 30_000 });
    const timer = await phone.evaluate(() => (window as unknown as { __timerTexts: string[] }).__timerTexts);
    // the timer itself moved every second (off for screen readers: role="timer")
    expect(new Set(timer).size, `timer labels: ${timer.join(" | ")}`).toBeGreaterThanOrEqual(8);
    const spoken = (await announcements(phone)).filter((a) => /second/.test(a.text));
    expect(spoken.map((a) => a.text)).toEqual(["10 seconds left", "5 seconds left"]);
    expect(spoken.every((a) => a.politeness === "polite")).toBe(true);
  });

  test("reduced motion: no animation or transition on the phone and the big screen", async ({ browser }) => {
    const s = await sessionWith("poll", "Drinks", { question: "Tea or coffee?", options: [{ text: "Tea" }, { text: "Coffee" }] });
    const { context: desk } = await adminPage(browser, { width: 1280, height: 900 });
    /** Elements (and pseudo-elements) whose animation or transition takes time. */
    const moving = (page: Page) =>
      page.evaluate(() => {
        const takesTime = (s: CSSStyleDeclaration) =>
          (s.animationName !== "none" && s.animationDuration.split(",").some((d) => parseFloat(d) > 0)) ||
          s.transitionDuration.split(",").some((d) => parseFloat(d) > 0);
        const out: string[] = [];
        for (const el of document.querySelectorAll("*")) {
          for (const pseudo of [null, "::before", "::after"]) {
            if (takesTime(getComputedStyle(el, pseudo))) out.push(`${el.tagName.toLowerCase()}.${String(el.className)}${pseudo ?? ""}`);
          }
        }
        return out;
      });
    const pages: Record<string, { phone: Page; screen: Page }> = {};
    for (const motion of ["no-preference", "reduce"] as const) {
      const phone = await keyboardPhone(browser, s.joinCode, motion === "reduce" ? "Still" : "Moving");
      await phone.emulateMedia({ reducedMotion: motion });
      const screen = await desk.newPage();
      await screen.emulateMedia({ reducedMotion: motion });
      await screen.goto(`${BASE()}/present/${s.sid}`);
      pages[motion] = { phone, screen };
    }
    // waiting: the phone's pulse; then the poll's bars (they grow with a transition)
    await expect.poll(() => moving(pages["no-preference"]!.phone)).toContainEqual(expect.stringContaining("pulse"));
    expect(await moving(pages.reduce!.phone)).toEqual([]);
    await s.api("POST", `/api/sessions/${s.sid}/activities/${s.aid}/activate`);
    for (const { phone, screen } of Object.values(pages)) {
      await expect(phone.locator(".bar-fill").first()).toBeAttached();
      await expect(screen.locator(".bar-fill").first()).toBeAttached();
    }
    for (const where of ["phone", "screen"] as const) {
      expect(await moving(pages["no-preference"]![where]), `${where} moves without the preference`).toContainEqual(expect.stringContaining("bar-fill"));
      expect(await moving(pages.reduce![where]), `${where} with reduced motion`).toEqual([]);
    }
    await desk.close();
  });
});
