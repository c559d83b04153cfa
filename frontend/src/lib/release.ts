/**
 * The web app reloads itself when the server's release changes.
 *
 * Every answer of the server names its release in `X-Caja-Release` (the version and the built
 * web app's hash, or the operator's `CAJA_RELEASE`). The page remembers the first one it sees;
 * when a live-state poll brings another one, a blue/green switch has happened, and the page
 * reloads into the new web app. Identity survives it: the participant's token and pending
 * answers are in localStorage. Answers without the header (polls answered 304 from memory,
 * releases before the header existed) change nothing. The admin console is never reloaded
 * under its user's hands (a form may be half filled in): it just carries on.
 */

export const RELEASE_HEADER = "X-Caja-Release";

/** No second reload within this long: while a switch drains, old and new answer in turn. */
export const RELOAD_PAUSE_MS = 60_000;
const RELOADED_AT = "caja.release-reloaded-at";

let loadedWith: string | null = null;
let reloading = false;

/** The release this page runs with (the first one seen), or null before any answer. */
export function loadedRelease(): string | null {
  return loadedWith;
}

/**
 * Note the release an answer came from; reload (once) when it is not the page's. Returns
 * whether a reload was started.
 */
export function noteRelease(
  headers: Headers,
  reload: () => void = () => globalThis.location.reload(),
  now: number = Date.now(),
): boolean {
  const release = headers.get(RELEASE_HEADER);
  if (!release || reloading) return false;
  if (loadedWith === null || release === loadedWith || inAdminConsole()) {
    loadedWith = release;
    return false;
  }
  const last = Number(sessionStorage.getItem(RELOADED_AT) ?? "0");
  if (now - last < RELOAD_PAUSE_MS) {
    loadedWith = release; // just reloaded: this is a page of the new release meeting the old
    return false;
  }
  sessionStorage.setItem(RELOADED_AT, String(now));
  reloading = true;
  reload();
  return true;
}

function inAdminConsole(): boolean {
  return (globalThis.location?.pathname ?? "").startsWith("/admin");
}

/** Forget what was seen (tests). */
export function resetRelease(): void {
  loadedWith = null;
  reloading = false;
}
