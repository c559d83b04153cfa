/**
 * The web app's translations: i18next with one JSON catalog per language in `./locales/`.
 *
 * English is bundled (it is also every missing key's fallback); the other catalogs are loaded
 * on demand, one small chunk each. Plurals follow the language's CLDR rules through
 * `Intl.PluralRules` (`key_one`, `key_other`; Arabic also `_zero`, `_two`, `_few`, `_many`),
 * and `{{n, number}}` formats a number for the language.
 */
import i18next from "i18next";
import { useEffect } from "react";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import { direction, LANGUAGES, type Language } from "./languages";
import { useWantedLanguage, wantedLanguage } from "./preference";

export * from "./languages";
export { chooseLanguage, useChosenLanguage, useSessionLanguage, useWantedLanguage } from "./preference";

export type Catalog = typeof en;

const catalogs = import.meta.glob<Catalog>(["./locales/*.json", "!./locales/en.json"], { import: "default" });

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: "en",
  fallbackLng: "en",
  supportedLngs: [...LANGUAGES],
  partialBundledLanguages: true,
  // React escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/** Loads a language's catalog (once) without switching to it. */
export async function loadLanguage(language: Language): Promise<void> {
  if (i18n.hasResourceBundle(language, "translation")) return;
  const load = catalogs[`./locales/${language}.json`];
  if (!load) return;
  i18n.addResourceBundle(language, "translation", await load(), true, true);
}

/** Switches the app (and the page's `lang` and `dir`) to a language, loading it first. */
export async function showLanguage(language: Language): Promise<void> {
  await loadLanguage(language);
  if (i18n.language !== language) await i18n.changeLanguage(language);
  const root = globalThis.document?.documentElement;
  if (root) {
    root.lang = language;
    root.dir = direction(language);
  }
}

/** Shows the language the reader's preferences and the session ask for (before the first render). */
export function showWantedLanguage(): Promise<void> {
  return showLanguage(wantedLanguage());
}

/** Keeps the app in the wanted language; mounted once at the root. */
export function useAppliedLanguage(): void {
  const wanted = useWantedLanguage();
  useEffect(() => {
    void showLanguage(wanted);
  }, [wanted]);
}

/** The language shown now. */
export function currentLanguage(): Language {
  return (LANGUAGES as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : "en";
}
export { LanguageSwitcher } from "./LanguageSwitcher";
