import { rmSync } from "node:fs";

export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.CAJA_E2E_PID);
  if (pid) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  if (process.env.CAJA_E2E_DIR) rmSync(process.env.CAJA_E2E_DIR, { recursive: true, force: true });
}
