/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const SWAGGER_UI_FILES = [
  "swagger-ui-bundle.js",
  "swagger-ui.css",
  "favicon-32x32.png",
  "LICENSE",
  "NOTICE",
];

// The API's Swagger UI (/api/docs) from the swagger-ui-dist package, copied into the build's
// swagger-ui/ folder: caja-server serves it from there, so the docs work offline and load no
// third-party script (caja_server/docs_page.py).
function swaggerUi(): Plugin {
  return {
    name: "caja-swagger-ui",
    apply: "build",
    generateBundle() {
      const require = createRequire(import.meta.url);
      const dist = path.dirname(require.resolve("swagger-ui-dist/package.json"));
      for (const file of SWAGGER_UI_FILES) {
        this.emitFile({
          type: "asset",
          fileName: `swagger-ui/${file}`,
          source: readFileSync(path.join(dist, file)),
        });
      }
    },
  };
}

// The built app ships inside the Python wheel: caja-server serves /assets/* and falls back to
// index.html for the app's routes.
export default defineConfig({
  plugins: [react(), swaggerUi()],
  build: {
    outDir: "../src/caja_server/static",
    emptyOutDir: true,
    // No inline scripts or styles: the server's Content-Security-Policy forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000", "/healthz": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // Above the 5 s that findBy*/waitFor may wait (src/test/setup.ts).
    testTimeout: 20_000,
  },
});
