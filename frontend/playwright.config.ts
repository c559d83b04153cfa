import { defineConfig } from "@playwright/test";

// Browser tests against the real caja-server (started by e2e/global-setup.ts) and Debian's
// Chromium. Playwright never downloads a browser here.
export default defineConfig({
  testDir: "e2e",
  timeout: 180_000,
  expect: { timeout: 15_000 },
  // Two specs at a time against the one server: most of a spec's time is waiting for polls,
  // so two share this machine's two cores well (4 minutes instead of about 6).
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: process.env.CAJA_E2E_URL,
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
  },
});
