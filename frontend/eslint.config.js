import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Hard-coded English in JSX: text, readable attributes, and strings or templates shown as
// children. (A word is two Latin letters; "Caja", the product's name, is the one exception.)
const WORD = "/[A-Za-z]{2}/";
const READABLE = "/^(aria-label|aria-description|aria-placeholder|title|alt|placeholder|label|legend|addLabel|submitText)$/";
const message = "Put user-visible text in the catalogs (src/i18n/locales/en.json) and use t(\"key\").";
const SHOWN = [
  `Literal[value=${WORD}]`,
  `ConditionalExpression > Literal[value=${WORD}]`,
  `LogicalExpression > Literal[value=${WORD}]`,
  `TemplateLiteral > TemplateElement[value.raw=${WORD}]`,
  `ConditionalExpression > TemplateLiteral > TemplateElement[value.raw=${WORD}]`,
  `LogicalExpression > TemplateLiteral > TemplateElement[value.raw=${WORD}]`,
];
const HARD_CODED_TEXT = [
  `JSXText[value=${WORD}]:not([value=/^\\s*Caja\\s*$/])`,
  `JSXAttribute[name.name=${READABLE}] > Literal[value=${WORD}]`,
  ...SHOWN.map((shown) => `:matches(JSXElement, JSXFragment) > JSXExpressionContainer > ${shown}`),
  ...SHOWN.map((shown) => `JSXAttribute[name.name=${READABLE}] > JSXExpressionContainer > ${shown}`),
  `CallExpression[callee.name=/^(setError|setMessage|setAnnounce|alert|confirm)$/] > Literal[value=${WORD}]`,
  `CallExpression[callee.property.name=/^(alert|confirm)$/] > Literal[value=${WORD}]`,
].map((selector) => ({ selector, message }));

export default tseslint.config(
  { ignores: ["node_modules", "src/api/schema.ts", "test-results", "playwright-report"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    // Every text a person reads comes from the catalogs (src/i18n/locales): t("key").
    files: ["src/**/*.tsx"],
    ignores: ["src/**/*.test.tsx"],
    rules: {
      "no-restricted-syntax": ["error", ...HARD_CODED_TEXT],
    },
  },
);
