/**
 * The generated forms in the language shown: rjsf's own texts (buttons, "Item", "Yes"/"No")
 * and the validator's messages, by the failed keyword.
 */
import { englishStringTranslator, TranslatableString, type RJSFValidationError } from "@rjsf/utils";
import { i18n } from "../../i18n";

const STRINGS: Partial<Record<TranslatableString, string>> = {
  [TranslatableString.ArrayItemTitle]: "forms.item",
  [TranslatableString.EmptyArray]: "forms.emptyArray",
  [TranslatableString.YesLabel]: "forms.yes",
  [TranslatableString.NoLabel]: "forms.no",
  [TranslatableString.CloseLabel]: "common.close",
  [TranslatableString.ErrorsLabel]: "forms.errors",
  [TranslatableString.AddButton]: "forms.add",
  [TranslatableString.AddItemButton]: "forms.addItem",
  [TranslatableString.CopyButton]: "forms.copy",
  [TranslatableString.MoveDownButton]: "forms.moveDown",
  [TranslatableString.MoveUpButton]: "forms.moveUp",
  [TranslatableString.RemoveButton]: "forms.remove",
  [TranslatableString.ClearButton]: "forms.clear",
  [TranslatableString.ClearLabel]: "forms.clear",
  [TranslatableString.NowLabel]: "forms.now",
  [TranslatableString.DecrementAriaLabel]: "forms.decrement",
  [TranslatableString.IncrementAriaLabel]: "forms.increment",
  [TranslatableString.OptionPrefix]: "forms.option",
  [TranslatableString.TitleOptionPrefix]: "forms.titleOption",
};

/** rjsf's `translateString`: our catalogs where they have the text, rjsf's English elsewhere. */
export function translateString(key: TranslatableString, params?: string[]): string {
  const ours = STRINGS[key];
  if (!ours) return englishStringTranslator(key, params);
  // Catalog texts use {{1}}, {{2}} for rjsf's %1, %2.
  const values = Object.fromEntries((params ?? []).map((p, i) => [String(i + 1), p]));
  return i18n.t(ours as never, values as never) as unknown as string;
}

const KEYWORDS = new Set([
  "required",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "type",
  "enum",
  "const",
  "pattern",
  "format",
  "multipleOf",
  "uniqueItems",
]);

/** rjsf's `transformErrors`: each validation message by its keyword, with the keyword's limit. */
export function translateErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.map((error) => {
    if (!error.name || !KEYWORDS.has(error.name)) return error;
    const limit = (error.params as { limit?: unknown } | undefined)?.limit;
    const message = i18n.t(`formErrors.${error.name}` as never, { limit, count: typeof limit === "number" ? limit : undefined } as never) as unknown as string;
    const where = error.property && error.property !== "." ? `${error.property.slice(1)} ` : "";
    return { ...error, message, stack: `${where}${message}` };
  });
}
