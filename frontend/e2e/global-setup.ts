/**
 * Starts a real caja-server on a free port with a fresh SQLite database and an admin account,
 * serving the built web UI. The URL goes to the tests through CAJA_E2E_URL.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ADMIN_USER = "admin";
export const ADMIN_PASSWORD = "e2e-password-1";

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

export default async function globalSetup(): Promise<void> {
  const root = resolve(import.meta.dirname, "../..");
  const bin = process.env.CAJA_SERVER_BIN ?? join(root, ".venv/bin/caja-server");
  const dir = mkdtempSync(join(tmpdir(), "caja-e2e-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The example plugin (examples/caja-rating) joins the built-ins without touching the shared
  // virtualenv: its source on PYTHONPATH plus a dist-info naming its entry point, which is all
  // importlib.metadata needs. It is the "any other installed type" of the generic UI tests.
  const distInfo = join(dir, "plugins", "caja_rating-0.1.0.dist-info");
  mkdirSync(distInfo, { recursive: true });
  writeFileSync(join(distInfo, "METADATA"), "Metadata-Version: 2.1\nName: caja-rating\nVersion: 0.1.0\n");
  writeFileSync(join(distInfo, "entry_points.txt"), "[caja]\nrating = caja_rating\n");
  const pythonPath = [join(dir, "plugins"), join(root, "examples/caja-rating/src"), process.env.PYTHONPATH]
    .filter(Boolean)
    .join(":");
  const env = {
    ...process.env,
    PYTHONPATH: pythonPath,
    CAJA_DATABASE_URL: `sqlite:///${join(dir, "caja.db")}`,
    CAJA_MEDIA_DIR: join(dir, "media"),
    CAJA_PUBLIC_URL: url,
    CAJA_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  for (const args of [["migrate"], ["create-admin", ADMIN_USER]]) {
    const run = spawnSync(bin, args, { env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`caja-server ${args.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
  }
  const server = spawn(bin, ["--host", "127.0.0.1", "--port", String(port)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: false,
  });
  let log = "";
  server.stdout.on("data", (d: Buffer) => (log += d.toString()));
  server.stderr.on("data", (d: Buffer) => (log += d.toString()));
  writeFileSync(join(dir, "server.pid"), String(server.pid));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`caja-server exited:\n${log}`);
    try {
      // /healthz, not /readyz: a broken example plugin must not stop the other tests.
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`caja-server did not become ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  process.env.CAJA_E2E_URL = url;
  process.env.CAJA_E2E_DIR = dir;
  process.env.CAJA_E2E_PID = String(server.pid);
}
