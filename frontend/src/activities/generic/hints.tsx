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
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { ImageField } from "../ImageField";
import { OrderingField } from "./OrderingField";

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

export const hintFields: RegistryFieldsType = {
  SchemaField: HintedSchemaField,
  ArraySchemaField: HintedArrayItemField,
  CajaOrdering: OrderingField,
};
export const hintWidgets: RegistryWidgetsType = { CajaSlider: SliderWidget, CajaImage: ImageWidget };
