/** Quick setup for the event tests: a logged-in console page and API calls as admin or phone. */
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { deflateSync } from "node:zlib";
import { ADMIN_PASSWORD, ADMIN_USER } from "./global-setup";
import { BASE } from "./helpers";

type Json = Record<string, unknown>;

async function call(token: string | null, method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${BASE()}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${path}: ${response.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : {}) as Json;
}

/** API calls with the admin's token. */
export function apiAs(token: string) {
  return (method: string, path: string, body?: unknown) => call(token, method, path, body);
}

export async function adminToken(): Promise<string> {
  const out = await call(null, "POST", "/api/auth/login", { username: ADMIN_USER, password: ADMIN_PASSWORD });
  return out.access_token as string;
}

/** A browser context whose pages are logged in to the console (the HttpOnly login cookie). */
export async function adminPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page; token: string }> {
  const token = await adminToken();
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: "caja_admin", value: token, url: BASE() }]);
  const page = await context.newPage();
  page.on("dialog", (d) => void d.dismiss());
  return { context, page, token };
}

/** A participant joined through the API, who can answer. */
export async function joinAs(joinCode: string, nickname: string) {
  const out = await call(null, "POST", "/api/join", { join_code: joinCode, nickname });
  const token = out.token as string;
  return {
    token,
    answer: (sid: string, aid: string, data: Json) => call(token, "POST", `/api/sessions/${sid}/activities/${aid}/responses`, { data }),
  };
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A real PNG file (w x h, horizontal stripes of the given RGB colours), made without a library. */
export function stripesPng(width: number, height: number, colours: [number, number, number][]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const [r, g, b] = colours[Math.floor((y * colours.length) / height)]!;
    for (let x = 0; x < width; x++) rows.set([r, g, b], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
