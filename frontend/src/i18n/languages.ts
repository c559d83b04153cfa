/** The languages the web app ships complete, and how a browser's preferences map onto them. */

export const LANGUAGES = ["en", "es", "de", "fr", "ar"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language in its own name (never translated: a reader looks for their own). */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  es: "Español",
  de: "Deutsch",
  fr: "Français",
  ar: "العربية",
};

const RIGHT_TO_LEFT = new Set<Language>(["ar"]);

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function direction(language: Language): "ltr" | "rtl" {
  return RIGHT_TO_LEFT.has(language) ? "rtl" : "ltr";
}

/** The first of the browser's languages (`navigator.languages`, best first) that we ship. */
export function browserLanguage(preferred: readonly string[] | undefined = globalThis.navigator?.languages): Language | null {
  for (const tag of preferred ?? []) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return null;
}
