// Keys are checked by the type checker: `t("a.key")` fails `npm run typecheck` when the English
// catalog has no such key.
import "i18next";
import type en from "./locales/en.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
    returnNull: false;
  }
}
