/**
 * Running a whole event: reuse (templates, a YAML import, duplicate, definition download), the
 * report and its print layout, and a completed session that is read-only. Setup that is not
 * under test goes through the API, to keep this lane fast.
 */
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { BASE, expectAccessible, newPhone, screenshot } from "./helpers";
import { adminPage, adminToken, apiAs, joinAs, stripesPng } from "./event-helpers";

const TEMPLATES = resolve(import.meta.dirname, "../../src/caja_server/session_templates");

test("reuse: a template, a YAML import (refused, then accepted), duplicate, definition download", async ({ browser }) => {
  const { page: admin, context } = await adminPage(browser);
  await admin.goto(`${BASE()}/admin`);
  await expect(admin.getByRole("heading", { name: "Start from a template" })).toBeVisible();
  await expect(admin.getByRole("button", { name: "Use the template Sprint retrospective" })).toBeVisible();
  await expectAccessible(admin, "sessions list with templates and import");
  await screenshot(admin, "admin-sessions-templates");

  // a broken YAML file: the error names the activity and the field, nothing is created
  const before = await admin.locator(".session-row").count();
  const bad = "format: caja.session\nversion: 1\nname: Broken\nactivities:\n  - type: poll\n    title: One option\n    config:\n      question: Q?\n      options:\n        - text: Only\n";
  await admin.getByLabel("Session file (JSON or YAML)").setInputFiles({ name: "broken.yaml", mimeType: "application/yaml", buffer: Buffer.from(bad) });
  await expect(admin.locator(".import-error")).toContainText("activities[0].config.options");
  await expect(admin.locator(".session-row")).toHaveCount(before);

  // the quiz-night template as a YAML file
  const yaml = readFileSync(resolve(TEMPLATES, "quiz-night.yaml"));
  await admin.getByLabel("Session file (JSON or YAML)").setInputFiles({ name: "quiz-night.yaml", mimeType: "application/yaml", buffer: yaml });
  await expect(admin.getByRole("heading", { name: "Quiz night", level: 1 })).toBeVisible();
  await expect(admin.locator(".activity-row .activity-title")).toHaveText(["Warm-up", "General knowledge", "Feedback"]);
  const importedId = admin.url().split("/").pop()!;

  // its definition downloads as YAML again
  await admin.getByText("Download", { exact: true }).click();
  const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("button", { name: "Definition (YAML)" }).click()]);
  expect(download.suggestedFilename()).toBe("Quiz_night.caja.yaml");
  const text = readFileSync((await download.path())!, "utf8");
  expect(text).toContain("format: caja.session");
  expect(text).toContain("Which planet is closest to the Sun?");

  // duplicate: a new draft with the same activities
  await admin.getByRole("button", { name: "Duplicate" }).click();
  await expect(admin).not.toHaveURL(new RegExp(importedId));
  await expect(admin.locator(".activity-row .activity-title")).toHaveText(["Warm-up", "General knowledge", "Feedback"]);

  // a template from the list
  await admin.getByRole("link", { name: "All sessions" }).click();
  await admin.getByRole("button", { name: "Use the template Sprint planning" }).click();
  await expect(admin.getByRole("heading", { name: "Sprint planning", level: 1 })).toBeVisible();
  await expect(admin.locator(".activity-row")).not.toHaveCount(0);
  await context.close();
});

test("a report of a live then completed session, printable; the completed session is read-only", async ({ browser }) => {
  const { page: admin, context, token } = await adminPage(browser);
  const api = apiAs(token);
  const session = await api("POST", "/api/sessions", { name: "Report demo" });
  const sid = session.id as string;
  const poll = await api("POST", `/api/sessions/${sid}/activities`, {
    type: "poll",
    title: "Lunch",
    config: { question: "Where do we eat?", options: [{ text: "Pizza" }, { text: "Sushi" }, { text: "Tacos" }] },
  });
  const cloud = await api("POST", `/api/sessions/${sid}/activities`, {
    type: "wordcloud",
    title: "Mood",
    config: { prompt: "One word for today" },
  });
  await api("POST", `/api/sessions/${sid}/activities`, { type: "poll", title: "Never run", config: { question: "Q?", options: [{ text: "A" }, { text: "B" }] } });
  await api("POST", `/api/sessions/${sid}/start`);
  await api("POST", `/api/sessions/${sid}/activities/${poll.id}/activate`);
  const people = await Promise.all(["Ana", "Ben", "Chloé"].map((n) => joinAs(session.join_code as string, n)));
  for (const [i, p] of people.entries()) await p.answer(sid, poll.id as string, { choices: [i === 2 ? 1 : 0] });
  await api("POST", `/api/sessions/${sid}/activities/${cloud.id}/activate`);
  for (const [i, p] of people.entries()) await p.answer(sid, cloud.id as string, { text: i ? "sunny" : "sleepy" });

  // the editor links a past activity to its results in the report
  await admin.goto(`${BASE()}/admin/sessions/${sid}`);
  await admin.getByRole("link", { name: "Results of Lunch" }).click();
  await expect(admin.getByRole("heading", { name: "Report demo" })).toBeVisible();
  const lunch = admin.locator(".report-activity", { hasText: "Lunch" });
  await expect(lunch.locator(".bar")).toHaveCount(3);
  await expect(lunch.locator(".bar-figure").first()).toContainText("67");
  await expect(admin.locator(".report-activity", { hasText: "Mood" }).locator(".block.cloud")).toBeVisible();
  await expect(admin.locator(".report-activity", { hasText: "Never run" })).toContainText("Not run yet.");
  await expect(admin.getByTestId("report-participant-count")).toHaveText("3");
  await expect(admin.locator(".report-table tbody tr")).toHaveCount(3);
  await expectAccessible(admin, "session report");

  // completed: read-only in the console, report and exports still there
  await api("POST", `/api/sessions/${sid}/complete`);
  await admin.getByRole("link", { name: "Back to the session" }).click();
  await expect(admin.getByTestId("read-only")).toBeVisible();
  await expect(admin.getByRole("button", { name: /^(Edit|Delete|Move) / })).toHaveCount(0);
  await expect(admin.getByRole("button", { name: /^Remove / })).toHaveCount(0);
  await expect(admin.getByRole("button", { name: "Add activity" })).toHaveCount(0);
  await expect(admin.getByRole("button", { name: "Duplicate" })).toBeVisible();
  await admin.getByText("Download", { exact: true }).click();
  const [xlsx] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("button", { name: "Export spreadsheet (XLSX)" }).click()]);
  expect(xlsx.suggestedFilename()).toBe("Report_demo.xlsx");
  await expectAccessible(admin, "completed session editor");
  await admin.getByRole("link", { name: "Report", exact: true }).click();
  await expect(admin.locator(".report-activity")).toHaveCount(3);
  await screenshot(admin, "admin-report");
  // printed: no console bar, no buttons
  await admin.emulateMedia({ media: "print" });
  await expect(admin.locator(".admin-bar")).toBeHidden();
  await expect(admin.getByRole("button", { name: "Print / Save as PDF" })).toBeHidden();
  await admin.screenshot({ path: resolve(import.meta.dirname, "../../docs/screenshots/report-print.png"), fullPage: true });
  const pdf = await admin.pdf({ format: "A4" });
  expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
  await context.close();
});

test("big screen, keyboard only: presenter keys, help, QR corner, join view, blank, theme", async ({ browser }) => {
  const token = await adminToken();
  const api = apiAs(token);
  const session = await api("POST", "/api/sessions", { name: "Keys demo" });
  const sid = session.id as string;
  const code = session.join_code as string;
  const poll = await api("POST", `/api/sessions/${sid}/activities`, {
    type: "poll",
    title: "Snacks",
    config: { question: "Best snack?", options: [{ text: "Crisps" }, { text: "Fruit" }, { text: "Cake" }], results_visibility: "on_reveal" },
  });
  const poker = await api("POST", `/api/sessions/${sid}/activities`, { type: "poker", title: "Estimate", config: { items: [{ title: "Search box" }] } });
  await api("POST", `/api/sessions/${sid}/start`);
  const current = async () => (await api("GET", `/api/sessions/${sid}`)).current_activity_id;

  const { page: screen, context } = await adminPage(browser, { width: 1920, height: 1080 });
  await screen.goto(`${BASE()}/present/${sid}`);
  await expect(screen.getByRole("heading", { name: "Join on your phone" })).toBeVisible();

  // ? opens the help, Esc closes it
  await screen.keyboard.press("?");
  const help = screen.getByRole("dialog", { name: "Presenter keys" });
  await expect(help).toBeVisible();
  await expect(help.getByRole("row")).toHaveCount(11);
  await expectAccessible(screen, "big screen key help");
  await screenshot(screen, "big-screen-keys");
  await screen.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // → opens the first activity (through the API the console uses), with the QR corner
  await screen.keyboard.press("ArrowRight");
  await expect(screen.getByRole("heading", { name: "Best snack?" })).toBeVisible();
  expect(await current()).toBe(poll.id);
  const corner = screen.getByTestId("qr-corner");
  await expect(corner).toContainText(code);
  await expect(corner.getByRole("img", { name: /QR code to join/ })).toBeVisible();
  for (const [i, name] of ["Ana", "Ben", "Cai"].entries()) {
    const p = await joinAs(code, name);
    await p.answer(sid, poll.id as string, { choices: [i === 2 ? 2 : 0] });
  }
  await expect(screen.getByText("Results are hidden · 3 votes so far")).toBeVisible();
  // r reveals, h hides
  await screen.keyboard.press("r");
  await expect(screen.locator("[data-testid=present-results] .bar")).toHaveCount(3);
  await expectAccessible(screen, "big screen with the QR corner");
  await screenshot(screen, "big-screen-qr-corner");
  await screen.keyboard.press("h");
  await expect(screen.locator("[data-testid=present-results] .bar")).toHaveCount(0);

  // PageDown / PageUp, as a clicker sends them; ← at the first activity says so
  await screen.keyboard.press("PageDown");
  await expect(screen.getByRole("heading", { name: "Estimate" })).toBeVisible();
  expect(await current()).toBe(poker.id);
  await screen.keyboard.press("PageDown");
  await expect(screen.getByRole("status").filter({ hasText: "That was the last activity" })).toBeVisible();
  await screen.keyboard.press("PageUp");
  await expect(screen.getByRole("heading", { name: "Best snack?" })).toBeVisible();
  await screen.keyboard.press("ArrowLeft");
  await expect(screen.getByRole("status").filter({ hasText: "This is the first activity" })).toBeVisible();
  expect(await current()).toBe(poll.id);

  // q hides the corner (the header keeps a small join line), q brings it back
  await screen.keyboard.press("q");
  await expect(corner).toBeHidden();
  await expect(screen.locator(".present-join-small")).toContainText(code);
  await screen.keyboard.press("q");
  await expect(corner).toBeVisible();

  // j: the full join view at any time, j again goes back
  await screen.keyboard.press("j");
  await expect(screen.getByRole("heading", { name: "Join on your phone" })).toBeVisible();
  await expect(screen.getByTestId("participant-count")).toHaveText("3");
  await expect(corner).toBeHidden();
  await screen.keyboard.press("j");
  await expect(screen.getByRole("heading", { name: "Best snack?" })).toBeVisible();

  // b blanks the screen, b again comes back; t switches the theme; f asks for full screen
  await screen.keyboard.press("b");
  await expect(screen.getByTestId("blank-screen")).toBeVisible();
  await screen.keyboard.press("b");
  await expect(screen.getByTestId("blank-screen")).toBeHidden();
  await screen.keyboard.press("t");
  await expect(screen.locator(".present.theme-light")).toBeVisible();
  await screen.keyboard.press("t");
  await expect(screen.locator(".present.theme-dark")).toBeVisible();
  await screen.keyboard.press("f");
  await expect(screen.getByRole("heading", { name: "Best snack?" })).toBeVisible();
  await context.close();
});

test("media: images uploaded in the poll and quiz forms show on a phone and the big screen", async ({ browser }) => {
  const { page: admin, context, token } = await adminPage(browser);
  const api = apiAs(token);
  const session = await api("POST", "/api/sessions", { name: "Pictures" });
  const sid = session.id as string;
  await admin.goto(`${BASE()}/admin/sessions/${sid}`);
  const flag = stripesPng(300, 200, [[0, 85, 164], [255, 255, 255], [239, 65, 53]]);
  const sea = stripesPng(300, 200, [[14, 116, 144], [103, 232, 249]]);

  // a poll whose first option has a picture
  await admin.getByRole("button", { name: "Add activity" }).click();
  let form = admin.getByRole("form", { name: "New activity" });
  await form.getByLabel("Type").selectOption({ label: "Poll" });
  await form.getByLabel("Title", { exact: true }).fill("Holidays");
  await form.getByLabel("Question", { exact: true }).fill("Where to?");
  await form.getByLabel("Option 1", { exact: true }).fill("Paris");
  await form.getByLabel("Option 2", { exact: true }).fill("Seaside");
  // a file that is not an image is refused with a clear message
  await form.getByLabel("Image for option 1").setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("not a picture") });
  await expect(form.getByRole("alert")).toBeVisible();
  await form.getByLabel("Image for option 1").setInputFiles({ name: "flag.png", mimeType: "image/png", buffer: flag });
  await form.getByLabel("Image for option 2").setInputFiles({ name: "sea.png", mimeType: "image/png", buffer: sea });
  await expect(form.getByTestId("image-thumb")).toHaveCount(2);
  await form.getByRole("button", { name: "Add to session" }).click();
  await expect(admin.locator(".activity-row", { hasText: "Holidays" })).toBeVisible();

  // a quiz whose question has a picture
  await admin.getByRole("button", { name: "Add activity" }).click();
  form = admin.getByRole("form", { name: "New activity" });
  await form.getByLabel("Type").selectOption({ label: "Quiz" });
  await form.getByLabel("Title", { exact: true }).fill("Flags");
  const q1 = form.getByRole("group", { name: "Question 1", exact: true });
  await q1.getByLabel("Question 1 text").fill("Which country has this flag?");
  await q1.getByLabel("Image for question 1").setInputFiles({ name: "flag.png", mimeType: "image/png", buffer: flag });
  await expect(q1.getByTestId("image-thumb")).toBeVisible();
  await q1.getByLabel("Question 1 option 1").fill("France");
  await q1.getByLabel("Question 1 option 2").fill("Italy");
  await q1.getByLabel("Time limit (seconds)").fill("120");
  await expectAccessible(admin, "quiz form with an image");
  await form.getByRole("button", { name: "Add to session" }).click();
  await expect(admin.locator(".activity-row", { hasText: "Flags" })).toBeVisible();

  const detail = await api("GET", `/api/sessions/${sid}`);
  const [poll, quiz] = detail.activities as { id: string; config: Record<string, unknown> }[];
  const imageUrl = ((poll!.config.options as { image_url?: string }[])[0]!).image_url!;
  expect(imageUrl).toMatch(/\/media\/[0-9a-f]{64}\.png$/);
  expect(((quiz!.config.questions as { image_url?: string }[])[0]!).image_url).toBe(imageUrl);

  await api("POST", `/api/sessions/${sid}/start`);
  await api("POST", `/api/sessions/${sid}/activities/${poll!.id}/activate`);
  const phone = await newPhone(browser);
  await phone.page.goto(session.join_url as string);
  await phone.page.getByLabel("Nickname").fill("Ana");
  await phone.page.getByRole("button", { name: "Join" }).click();
  await expect(phone.page.locator(".choice-image")).toHaveCount(2);
  await phone.page.getByLabel("Paris", { exact: true }).check();
  await phone.page.getByRole("button", { name: "Submit" }).click();
  await expect(phone.page.getByText("Answer received")).toBeVisible();

  const { page: screen, context: screenContext } = await adminPage(browser, { width: 1920, height: 1080 });
  await screen.goto(`${BASE()}/present/${sid}`);
  await expect(screen.locator("[data-testid=present-results] .bar-image")).toHaveCount(2);
  await screenshot(screen, "big-screen-poll-images");

  await api("POST", `/api/sessions/${sid}/activities/${quiz!.id}/activate`);
  await api("POST", `/api/sessions/${sid}/activities/${quiz!.id}/actions/next`, {});
  const shown = phone.page.getByTestId("question-image");
  await expect(shown).toBeVisible();
  expect(await shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(300);
  await expectAccessible(phone.page, "phone quiz question with an image");
  await screenshot(phone.page, "phone-quiz-image");
  await expect(screen.getByTestId("question-image")).toBeVisible();
  await screenshot(screen, "big-screen-quiz-image");
  await Promise.all([context.close(), screenContext.close(), phone.context.close()]);
});
