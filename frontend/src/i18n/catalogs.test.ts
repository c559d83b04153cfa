/**
 * The catalogs agree: every language has every key English has (and no other), each plural
 * has exactly the forms its language needs (Intl.PluralRules: Arabic six, English two), and a
 * translation keeps its text's placeholders ({{name}}) and tags (<0>). A key added to English
 * alone fails here: add it to every catalog in src/i18n/locales/.
 */
import { describe, expect, it } from "vitest";
import { LANGUAGES } from "./languages";

type Tree = { [key: string]: string | Tree };

const catalogs = import.meta.glob<Tree>("./locales/*.json", { eager: true, import: "default" });
const catalog = (language: string): Tree | undefined => catalogs[`./locales/${language}.json`];

const PLURAL = /^(.*)_(zero|one|two|few|many|other)$/;

function flatten(tree: Tree, prefix = "", out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else flatten(value, path, out);
  }
  return out;
}

interface Entry {
  /** The text, or each plural form's text by category. */
  texts: Map<string, string>;
  plural: boolean;
}

/** Keys with their plural forms grouped under the key they are used by (`t("x", {count})`). */
function entries(tree: Tree): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [path, text] of flatten(tree)) {
    const match = PLURAL.exec(path);
    const key = match ? match[1]! : path;
    const entry = out.get(key) ?? { texts: new Map(), plural: !!match };
    entry.texts.set(match ? match[2]! : "", text);
    out.set(key, entry);
  }
  return out;
}

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}|<(\/?\d+)>/g)].map((m) => m[1] ?? m[2]!).sort();

const english = entries(catalog("en")!);

describe("catalogs", () => {
  it("exist for every language the app offers", () => {
    expect(LANGUAGES.filter((l) => !catalog(l))).toEqual([]);
  });

  for (const language of LANGUAGES) {
    describe(language, () => {
      const mine = entries(catalog(language) ?? {});
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories.slice().sort();

      it("has exactly the keys English has", () => {
        const missing = [...english.keys()].filter((k) => !mine.has(k));
        const extra = [...mine.keys()].filter((k) => !english.has(k));
        expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      });

      it("has every plural form the language needs, and only those", () => {
        const wrong: string[] = [];
        for (const [key, entry] of mine) {
          const shouldBePlural = english.get(key)?.plural ?? entry.plural;
          if (shouldBePlural !== entry.plural) wrong.push(`${key}: ${entry.plural ? "plural" : "not plural"}`);
          else if (entry.plural) {
            const forms = [...entry.texts.keys()].sort();
            if (forms.join() !== categories.join()) wrong.push(`${key}: ${forms.join(",")} (needs ${categories.join(",")})`);
          }
        }
        expect(wrong).toEqual([]);
      });

      it("keeps each text's placeholders and tags, and leaves nothing empty", () => {
        const wrong: string[] = [];
        for (const [key, entry] of mine) {
          const source = english.get(key);
          if (!source) continue;
          const expected = placeholders(source.texts.get(source.plural ? "other" : "") ?? "").filter((p) => p !== "count");
          for (const [form, text] of entry.texts) {
            if (!text.trim()) wrong.push(`${key}${form && `_${form}`}: empty`);
            // A plural form may leave the number out ("one option", Arabic's dual), not other names.
            const got = placeholders(text).filter((p) => p !== "count");
            if (got.join() !== expected.join()) wrong.push(`${key}${form && `_${form}`}: ${got.join(",")} (English: ${expected.join(",")})`);
          }
        }
        expect(wrong).toEqual([]);
      });
    });
  }
});
