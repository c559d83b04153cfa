/**
 * Which language the app shows, decided in one place.
 *
 * - The reader's own choice (the switcher on the phone and in the console), remembered in
 *   localStorage, wins on the phone and in the console.
 * - A session's language (set by the presenter) comes next on the phone, and first on the big
 *   screen, which always speaks the session's language when it has one.
 * - Then the browser's languages, then English.
 *
 * Views that know a session say so with `useSessionLanguage`; the root applies the result.
 */
import { useEffect, useSyncExternalStore } from "react";
import { browserLanguage, isLanguage, type Language } from "./languages";

const CHOICE_KEY = "caja.language";

export type SessionLanguageMode = "phone" | "screen";

interface Preference {
  /** The reader's choice on this device; null = automatic. */
  chosen: Language | null;
  /** The language of the session on screen, and how strongly it applies. */
  session: { language: Language | null; mode: SessionLanguageMode } | null;
}

function readChoice(): Language | null {
  try {
    const stored = globalThis.localStorage?.getItem(CHOICE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

let current: Preference = { chosen: readChoice(), session: null };
const listeners = new Set<() => void>();

function update(next: Preference): void {
  current = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The language to show for a preference (pure, so it can be tested on its own). */
export function resolveLanguage(pref: Preference, browser: Language | null = browserLanguage()): Language {
  const session = pref.session?.language ?? null;
  if (pref.session?.mode === "screen" && session) return session;
  return pref.chosen ?? session ?? browser ?? "en";
}

/** The language the app should show now. */
export function wantedLanguage(): Language {
  return resolveLanguage(current);
}

/** The reader's own choice (null = automatic). */
export function chosenLanguage(): Language | null {
  return current.chosen;
}

/** Remembers the reader's choice on this device (null: follow the session and the browser). */
export function chooseLanguage(language: Language | null): void {
  try {
    if (language) localStorage.setItem(CHOICE_KEY, language);
    else localStorage.removeItem(CHOICE_KEY);
  } catch {
    // Private mode without storage: the choice lasts until the page closes.
  }
  update({ ...current, chosen: language });
}

/** Forgets everything but what localStorage holds (tests start from a clean slate). */
export function resetLanguagePreference(): void {
  update({ chosen: readChoice(), session: null });
}

/** The reader's choice, as React state. */
export function useChosenLanguage(): Language | null {
  return useSyncExternalStore(subscribe, () => current.chosen);
}

/** The language the app should show, as React state. */
export function useWantedLanguage(): Language {
  return useSyncExternalStore(subscribe, wantedLanguage);
}

/**
 * Tells the app the language of the session this view shows (null or undefined: the session
 * leaves it to each reader). It applies while the view is mounted.
 */
export function useSessionLanguage(language: string | null | undefined, mode: SessionLanguageMode): void {
  const known = isLanguage(language) ? language : null;
  useEffect(() => {
    update({ ...current, session: { language: known, mode } });
    return () => update({ ...current, session: null });
  }, [known, mode]);
}
