/**
 * The form hints of `caja_core.ui` (`x-caja-widget` in a JSON Schema) for the generated forms.
 *
 * rjsf picks a control by a field's type. `HintedSchemaField` wraps rjsf's own SchemaField, so
 * every field at any depth (inside arrays, behind `$ref`s) is looked at: a hinted one gets the
 * control its hint names, anything else keeps rjsf's. A hint this web app doesn't know falls
 * back to the field's type, as docs/plugins.md promises.
 */
import { getDefaultRegistry } from "@rjsf/core";
import type { FieldProps, RegistryFieldsType, RegistryWidgetsType, RJSFSchema, UIOptionsType, UiSchema, WidgetProps } from "@rjsf/utils";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ImageField } from "../ImageField";

export const WIDGET = "x-caja-widget";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The uiSchema a hinted field needs (merged under the form's own uiSchema for it). */
export function hintUi(schema: RJSFSchema): UiSchema {
  switch ((schema as Json)[WIDGET]) {
    case "slider":
      return { "ui:widget": "CajaSlider" };
    case "long_text": {
      const rows = (schema as Json)["x-caja-rows"];
      return { "ui:widget": "textarea", "ui:options": { rows: typeof rows === "number" ? rows : 4 } };
    }
    case "image":
      return { "ui:widget": "CajaImage" };
    case "ordering":
      return { "ui:field": "CajaOrdering" };
  }
  // ui.choices: one of a few labelled values reads best as radio buttons on a phone.
  const oneOf = schema.oneOf;
  if (Array.isArray(oneOf) && oneOf.length > 0 && oneOf.length <= 12 && oneOf.every((o) => isObject(o) && "const" in o)) {
    return { "ui:widget": "radio" };
  }
  return {};
}

const Default = getDefaultRegistry().fields.SchemaField!;

function HintedSchemaField(props: FieldProps) {
  const { schema, uiSchema, registry, formData } = props;
  const resolved = schema.$ref ? registry.schemaUtils.retrieveSchema(schema, formData) : schema;
  const hinted = hintUi(resolved);
  if (Object.keys(hinted).length === 0) return <Default {...props} />;
  const options: UIOptionsType = { ...hinted["ui:options"], ...uiSchema?.["ui:options"] };
  return <Default {...props} uiSchema={{ ...hinted, ...uiSchema, "ui:options": options }} />;
}

/** The label of an array's item: its own title and number ("Statement 2"), else the array's
 * ("Statements 2"), never rjsf's "Statements-2". */
export function itemTitle(schema: RJSFSchema, arrayTitle: string | undefined, index: number): string | undefined {
  if (typeof schema.title === "string" && schema.title) return `${schema.title} ${index + 1}`;
  return arrayTitle?.replace(/-(\d+)$/, " $1");
}

function HintedArrayItemField(props: FieldProps) {
  const { schema, registry, formData, title, index, uiSchema } = props as FieldProps & { index?: number };
  if (typeof index !== "number" || uiSchema?.["ui:title"]) return <HintedSchemaField {...props} />;
  const resolved = schema.$ref ? registry.schemaUtils.retrieveSchema(schema, formData) : schema;
  // ui:title, since rjsf labels a field by its schema's title before the title it is given
  return <HintedSchemaField {...props} uiSchema={{ ...uiSchema, "ui:title": itemTitle(resolved, title, index) }} />;
}

/** Where a slider starts: its default, else the middle of the scale (what is shown is what is sent). */
export function sliderStart(schema: RJSFSchema): number {
  const min = Number(schema.minimum ?? 0);
  const max = Number(schema.maximum ?? 100);
  const step = Number((schema as Json)["x-caja-step"] ?? 1) || 1;
  if (typeof schema.default === "number") return schema.default;
  return min + Math.round((max - min) / 2 / step) * step;
}

function SliderWidget({ id, value, onChange, schema, disabled, readonly, rawErrors }: WidgetProps) {
  const min = Number(schema.minimum ?? 0);
  const max = Number(schema.maximum ?? 100);
  const step = Number((schema as Json)["x-caja-step"] ?? 1) || 1;
  const labels = (schema as Json)["x-caja-labels"];
  const [low, high] = Array.isArray(labels) ? labels.map((l) => (typeof l === "string" ? l : "")) : ["", ""];
  const current = typeof value === "number" ? value : sliderStart(schema);
  useEffect(() => {
    if (typeof value !== "number") onChange(current);
  }, [value, current, onChange]);
  const valueText = current === min && low ? `${current}, ${low}` : current === max && high ? `${current}, ${high}` : String(current);
  return (
    <div className="slider-field">
      <div className="slider-row">
        <input
          type="range"
          id={id}
          min={min}
          max={max}
          step={step}
          value={current}
          disabled={disabled || readonly}
          aria-valuetext={valueText}
          aria-invalid={rawErrors?.length ? true : undefined}
          onChange={(e) => onChange(Number(e.target.value))}
        />
        {/* The slider says its value to assistive technology itself (aria-valuetext). */}
        <span className="slider-value" aria-hidden="true" data-testid="slider-value">
          {current}
        </span>
      </div>
      <div className="slider-ends" aria-hidden="true">
        <span>
          {min}
          {low && <span className="slider-end-label"> {low}</span>}
        </span>
        <span>
          {high && <span className="slider-end-label">{high} </span>}
          {max}
        </span>
      </div>
    </div>
  );
}

function ImageWidget({ value, onChange, label }: WidgetProps) {
  const { t } = useTranslation();
  return (
    <ImageField
      label={label}
      removeLabel={t("forms.removeImage", { field: label })}
      value={typeof value === "string" ? value : null}
      onChange={(url) => onChange(url ?? undefined)}
    />
  );
}

/** The values an ordering puts in order, with their labels: `items.enum` or `items.oneOf` consts. */
export function orderingChoices(items: RJSFSchema | undefined): { value: string; label: string }[] {
  if (!items) return [];
  if (Array.isArray(items.oneOf)) {
    return items.oneOf.filter(isObject).map((o) => ({ value: String(o.const), label: String(o.title ?? o.const) }));
  }
  if (Array.isArray(items.enum)) return items.enum.map((v) => ({ value: String(v), label: String(v) }));
  return [];
}

/** `order` if it holds each choice once, else the choices as given. */
export function completeOrder(order: unknown, choices: string[]): string[] {
  if (Array.isArray(order) && order.length === choices.length && choices.every((c) => order.includes(c))) {
    return order.map(String);
  }
  return choices;
}

function OrderingField({ schema, formData, onChange, fieldPathId, registry, title, name, disabled, readonly, rawErrors }: FieldProps) {
  const { t } = useTranslation();
  const items = schema.items && !Array.isArray(schema.items) && typeof schema.items === "object" ? (schema.items as RJSFSchema) : undefined;
  const choices = orderingChoices(items ? registry.schemaUtils.retrieveSchema(items) : undefined);
  const labels = new Map(choices.map((c) => [c.value, c.label]));
  const order = completeOrder(formData, choices.map((c) => c.value));
  const [announcement, setAnnouncement] = useState("");
  const focusAfterMove = useRef<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const path = fieldPathId.path;
  const key = order.join("\u0000");
  useEffect(() => {
    if (!Array.isArray(formData) || formData.join("\u0000") !== key) onChange(key ? key.split("\u0000") : [], path);
  }, [formData, key, onChange, path]);
  useEffect(() => {
    // Moving a list element drops its focus in some browsers: give it back to the button used.
    const target = focusAfterMove.current && buttons.current.get(focusAfterMove.current);
    if (target && document.activeElement !== target) target.focus();
    focusAfterMove.current = null;
  });
  const legend = title ?? schema.title ?? name;
  const locked = disabled || readonly;
  const move = (index: number, by: -1 | 1, direction: "up" | "down") => {
    const to = index + by;
    if (locked || to < 0 || to >= order.length) return;
    const next = [...order];
    const [moved] = next.splice(index, 1);
    next.splice(to, 0, moved!);
    focusAfterMove.current = `${moved}|${direction}`;
    setAnnouncement(t("forms.movedTo", { item: labels.get(moved!) ?? moved, position: to + 1, total: next.length }));
    onChange(next, path);
  };
  return (
    <fieldset className="ordering" aria-invalid={rawErrors?.length ? true : undefined}>
      <legend>{legend}</legend>
      {schema.description && <p className="field-description">{schema.description}</p>}
      <ol className="ordering-list">
        {order.map((value, i) => {
          const label = labels.get(value) ?? value;
          return (
            <li key={value} className="ordering-item">
              <span className="ordering-rank" aria-hidden="true">
                {i + 1}
              </span>
              <span className="ordering-label">{label}</span>
              {(["up", "down"] as const).map((direction) => {
                const at = direction === "up" ? i === 0 : i === order.length - 1;
                return (
                  <button
                    key={direction}
                    type="button"
                    className="icon"
                    ref={(el) => {
                      const k = `${value}|${direction}`;
                      if (el) buttons.current.set(k, el);
                      else buttons.current.delete(k);
                    }}
                    // aria-disabled, not disabled: a button reaching the end keeps the focus.
                    aria-disabled={at || locked ? true : undefined}
                    aria-label={t(direction === "up" ? "forms.moveItemUp" : "forms.moveItemDown", { item: label })}
                    onClick={() => move(i, direction === "up" ? -1 : 1, direction)}
                  >
                    {direction === "up" ? "↑" : "↓"}
                  </button>
                );
              })}
            </li>
          );
        })}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {rawErrors && rawErrors.length > 0 && (
        <ul className="error-detail">
          {rawErrors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

export const hintFields: RegistryFieldsType = {
  SchemaField: HintedSchemaField,
  ArraySchemaField: HintedArrayItemField,
  CajaOrdering: OrderingField,
};
export const hintWidgets: RegistryWidgetsType = { CajaSlider: SliderWidget, CajaImage: ImageWidget };
