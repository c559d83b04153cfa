/**
 * The ordering widget dragged with real input on 390 px phones: one phone drags items with the
 * mouse, then picks one up from the keyboard (English); another drags with a finger (touch
 * events through the DevTools protocol, what a touch screen sends; Arabic, right to left, with
 * reduced motion). The big screen's Borda points must then be those of exactly the orders
 * dragged. Screenshots:
 * docs/screenshots/phone-ranking-{drag,dragged,drag-rtl}.png.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import ar from "../src/i18n/locales/ar.json" with { type: "json" };
import { adminPage, apiAs } from "./event-helpers";
import { BASE, expectAccessible, newPhone, screenshot } from "./helpers";

const ITEMS = ["Flaky tests", "Slow builds", "Missing docs", "On-call load"];

const orderOf = (page: Page) => page.locator(".ordering-list .ordering-label").allTextContents();
/** @dnd-kit's live region, where drags are announced. */
const dragNews = (page: Page) => page.locator("[id^='DndLiveRegion']");
/** How many Web Animations the page started since it was counted from (the drop animation is one). */
async function countAnimations(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __animations: number };
    w.__animations = 0;
    const animate = Element.prototype.animate;
    Element.prototype.animate = function (...args: Parameters<Element["animate"]>) {
      w.__animations += 1;
      return animate.apply(this, args);
    };
  });
}
const animations = (page: Page) => page.evaluate(() => (window as unknown as { __animations: number }).__animations);
const row = (page: Page, label: string) => page.locator(".ordering-list .ordering-item", { hasText: label });

async function centre(target: Locator): Promise<{ x: number; y: number }> {
  const box = (await target.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Nothing wider than the phone: no horizontal scrolling. */
async function expectNoSideScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, "page width").toBeLessThanOrEqual(client);
}

/**
 * Presses the mouse on an item's handle and moves it (in steps) onto another item's row, `by`
 * row heights short of its middle (still nearer it than its neighbour); stays pressed.
 */
async function mouseDragOnto(page: Page, label: string, onto: string, by = 0): Promise<void> {
  const from = await centre(row(page, label).locator(".ordering-handle"));
  const target = (await row(page, onto).boundingBox())!;
  const to = { y: target.y + target.height / 2 - Math.sign(target.y - from.y) * by * target.height };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x, from.y + 8, { steps: 2 }); // past the sensor's 4 px: a drag, not a tap
  await expect(page.locator(".ordering-lifted")).toBeVisible();
  await page.mouse.move(from.x, to.y, { steps: 12 });
}

/** The same with a finger: touchStart on the handle, touchMoves, and touchEnd. */
async function touchDrag(page: Page, label: string, onto: string, by: number, beforeLifting: () => Promise<void>): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const from = await centre(row(page, label).locator(".ordering-handle"));
  const target = (await row(page, onto).boundingBox())!;
  const to = { y: target.y + target.height / 2 - Math.sign(target.y - from.y) * by * target.height };
  const touch = (type: "touchStart" | "touchMove" | "touchEnd", y: number) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x: from.x, y, id: 1 }] });
  await touch("touchStart", from.y);
  for (let i = 1; i <= 12; i++) await touch("touchMove", from.y + ((to.y - from.y) * i) / 12);
  await beforeLifting();
  await touch("touchEnd", to.y);
  await cdp.detach();
}

test("rankings dragged by mouse and by finger reach the big screen in exactly that order", async ({ browser }) => {
  const errors: string[] = [];
  const { context: adminContext, token } = await adminPage(browser);
  const api = apiAs(token);
  const session = await api("POST", "/api/sessions", { name: "Drag retro" });
  const sid = session.id as string;
  const activity = await api("POST", `/api/sessions/${sid}/activities`, {
    type: "ranking",
    title: "Next sprint",
    config: { question: "What should we fix first?", items: ITEMS },
  });
  await api("POST", `/api/sessions/${sid}/start`);
  await api("POST", `/api/sessions/${sid}/activities/${activity.id as string}/activate`);

  const screenContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await screenContext.addCookies(await adminContext.cookies());
  const screen = await screenContext.newPage();
  screen.on("pageerror", (e) => errors.push(e.message));
  await screen.goto(`${BASE()}/present/${sid}`);

  // -- Ana, with a mouse: "On-call load" to the top, then "Flaky tests" to the bottom --
  const ana = (await newPhone(browser)).page;
  ana.on("pageerror", (e) => errors.push(e.message));
  await ana.goto(`${BASE()}/join/${session.join_code as string}`);
  await ana.getByLabel("Nickname").fill("Ana");
  await ana.getByRole("button", { name: "Join" }).click();
  await expect(ana.getByRole("group", { name: /^What should we fix first\?/ })).toBeVisible();
  expect(await orderOf(ana)).toEqual(ITEMS);
  const handle = ana.getByRole("button", { name: "Drag “On-call load”" });
  await expect(handle).toHaveAttribute("aria-roledescription", "draggable");
  const size = (await handle.boundingBox())!;
  expect(size.height, "the handle is a finger's target").toBeGreaterThanOrEqual(44);
  await expectAccessible(ana, "phone ranking with drag handles");
  await countAnimations(ana);

  await mouseDragOnto(ana, "On-call load", "Flaky tests");
  await expect(ana.locator(".ordering-lifted .ordering-rank")).toHaveText("1"); // where it would land
  await ana.mouse.up();
  await expect.poll(() => orderOf(ana)).toEqual(["On-call load", "Flaky tests", "Slow builds", "Missing docs"]);
  await expect(dragNews(ana)).toHaveText("“On-call load” is now number 1 of 4");
  await expect(ana.locator(".ordering-lifted")).toHaveCount(0); // landed

  // held a little short of the last place, so the slot shows beside the lifted row
  await mouseDragOnto(ana, "Flaky tests", "Missing docs", 0.4);
  // mid-drag: a lifted copy numbered where it would land, an outlined slot there, the rows
  // in between moved up (sliding, as nothing asked for reduced motion) and renumbered
  await expect(ana.locator(".ordering-lifted .ordering-rank")).toHaveText("4");
  const slot = ana.locator(".ordering-list .ordering-slot");
  await expect(slot).toHaveCount(1);
  await expect.poll(async () => (await slot.boundingBox())!.y).toBeGreaterThan((await row(ana, "Missing docs").boundingBox())!.y);
  await expect(ana.locator(".ordering-list .ordering-rank")).toHaveText(["1", "4", "2", "3"]);
  expect(await row(ana, "Slow builds").evaluate((e) => getComputedStyle(e).transitionDuration)).not.toBe("0s");
  await expectNoSideScroll(ana);
  await expectAccessible(ana, "phone ranking mid-drag");
  await screenshot(ana, "phone-ranking-drag");
  await ana.mouse.up();
  await expect.poll(() => animations(ana), "the lifted row flies into its slot").toBeGreaterThan(0);
  await expect.poll(() => orderOf(ana)).toEqual(["On-call load", "Slow builds", "Missing docs", "Flaky tests"]);
  await expect(ana.locator(".ordering-slot, .ordering-lifted")).toHaveCount(0);
  await expect(ana.locator(".ordering-list .ordering-rank")).toHaveText(["1", "2", "3", "4"]);
  // the buttons still work after dragging, and keep their focus
  await ana.getByRole("button", { name: "Move “Missing docs” down" }).click();
  await ana.getByRole("button", { name: "Move “Missing docs” up" }).click();
  await expect(ana.getByRole("button", { name: "Move “Missing docs” up" })).toBeFocused();
  expect(await orderOf(ana)).toEqual(["On-call load", "Slow builds", "Missing docs", "Flaky tests"]);
  // and from the keyboard the handle picks its item up: Space, an arrow, Space; down and back
  const slowHandle = ana.getByRole("button", { name: "Drag “Slow builds”" });
  await slowHandle.focus();
  for (const [arrow, order] of [
    ["ArrowDown", ["On-call load", "Missing docs", "Slow builds", "Flaky tests"]],
    ["ArrowUp", ["On-call load", "Slow builds", "Missing docs", "Flaky tests"]],
  ] as const) {
    const from = (await orderOf(ana)).indexOf("Slow builds") + 1;
    await ana.keyboard.press("Space");
    await expect(dragNews(ana)).toHaveText(`Picked up “Slow builds”, number ${from} of 4`);
    await expect(ana.locator(".ordering-lifted.keyboard")).toBeVisible();
    await ana.keyboard.press(arrow);
    await expect(dragNews(ana)).toHaveText(`“Slow builds” would be number ${order.indexOf("Slow builds") + 1} of 4`);
    await ana.keyboard.press("Space");
    await expect.poll(() => orderOf(ana)).toEqual(order);
    await expect(slowHandle, "the focus stays on the moved item's handle").toBeFocused();
    await expect(ana.locator(".ordering-lifted")).toHaveCount(0);
  }
  await expectNoSideScroll(ana);
  await screenshot(ana, "phone-ranking-dragged");
  await ana.getByRole("button", { name: "Submit" }).click();
  await expect(ana.getByText("Answer received")).toBeVisible();

  // -- Bilal, with a finger, in Arabic (right to left) and asking for reduced motion --
  const bilalContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
    locale: "ar",
    reducedMotion: "reduce",
  });
  const bilal = await bilalContext.newPage();
  bilal.on("pageerror", (e) => errors.push(e.message));
  await bilal.goto(`${BASE()}/join/${session.join_code as string}`);
  await bilal.getByRole("textbox").first().fill("Bilal");
  await bilal.keyboard.press("Enter");
  await expect(bilal.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(bilal.locator(".ordering-list")).toBeVisible();
  expect(await orderOf(bilal)).toEqual(ITEMS);
  await countAnimations(bilal);
  const pointerTypes = bilal.evaluate(
    () => new Promise<string>((done) => document.addEventListener("pointerdown", (e) => done(e.pointerType), { once: true })),
  );
  await touchDrag(bilal, "On-call load", "Flaky tests", 0.4, async () => {
    await expect(bilal.locator(".ordering-lifted .ordering-rank")).toHaveText("1");
    await expect(bilal.locator(".ordering-list .ordering-rank")).toHaveText(["2", "3", "4", "1"]);
    // reduced motion: the rows jump to their places, nothing slides
    expect(await row(bilal, "Slow builds").evaluate((e) => getComputedStyle(e).transitionDuration)).toBe("0s");
    // right to left: the handle is at the row's right-hand edge
    const [handleBox, rowBox] = [await row(bilal, "Slow builds").locator(".ordering-handle").boundingBox(), await row(bilal, "Slow builds").boundingBox()];
    expect(handleBox!.x + handleBox!.width).toBeGreaterThan(rowBox!.x + rowBox!.width - 40);
    await expectNoSideScroll(bilal);
    await screenshot(bilal, "phone-ranking-drag-rtl");
  });
  expect(await pointerTypes, "the drag came from a touch screen").toBe("touch");
  await expect.poll(() => orderOf(bilal)).toEqual(["On-call load", "Flaky tests", "Slow builds", "Missing docs"]);
  await expect(bilal.locator(".ordering-lifted")).toHaveCount(0);
  expect(await animations(bilal), "no drop animation with reduced motion").toBe(0);
  await expect(dragNews(bilal)).toHaveText(ar.forms.movedTo.replace("{{item}}", "On-call load").replace("{{position}}", "1").replace("{{total}}", "4"));
  await expectAccessible(bilal, "phone ranking after a touch drag (Arabic)");
  await bilal.getByRole("button", { name: ar.common.submit }).click();
  await expect(bilal.getByText(ar.phone.answerReceived)).toBeVisible();

  // Borda points over 2 rankings of 4 (3, 2, 1, 0 by position):
  // Ana   On-call 3, Slow 2, Missing 1, Flaky 0
  // Bilal On-call 3, Flaky 2, Slow 1, Missing 0
  const bars = screen.locator(".bars .bar");
  await expect(bars.locator(".bar-label")).toHaveText(["1. On-call load", "2. Slow builds", "3. Flaky tests", "4. Missing docs"]);
  await expect(bars.locator(".bar-figure")).toHaveText(["6", "3", "2", "1"]);
  expect(errors).toEqual([]);
  await Promise.all([bilalContext.close(), screenContext.close(), adminContext.close(), ana.context().close()]);
});
