/** The UI of an activity type with no JavaScript of its own: forms from its JSON Schemas. */
import Form from "@rjsf/core";
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import type { ConfigureProps, RespondProps, ResultsProps } from "../types";
import { translateErrors, translateString } from "./formText";
import { hintFields, hintWidgets } from "./hints";
import { simplifyNullable } from "./schema";
import { cspSafeValidator } from "./validator";

const HIDE_SUBMIT: UiSchema = { "ui:submitButtonOptions": { norender: true } };

export function GenericConfigure({ value, onChange, typeInfo }: ConfigureProps) {
  const schema = useMemo(() => simplifyNullable(typeInfo.config_schema) as RJSFSchema, [typeInfo.config_schema]);
  return (
    <Form
      className="rjsf"
      schema={schema}
      uiSchema={HIDE_SUBMIT}
      fields={hintFields}
      widgets={hintWidgets}
      formData={value}
      validator={cspSafeValidator}
      translateString={translateString}
      transformErrors={translateErrors}
      liveValidate={false}
      showErrorList={false}
      onChange={(e) => onChange((e.formData ?? {}) as Record<string, unknown>)}
    />
  );
}

export function GenericRespond({ activity, typeInfo, submit }: RespondProps) {
  const { t } = useTranslation();
  const [data, setData] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The activity's own schema is made for its config (a slider over its scale, its items to order).
  const raw = activity.answer_schema ?? typeInfo?.answer_schema;
  const schema = useMemo(() => simplifyNullable(raw ?? {}) as RJSFSchema, [raw]);
  if (!typeInfo) return <p className="muted">{t("common.loading")}</p>;
  return (
    <Form
      className="rjsf"
      schema={schema}
      uiSchema={{ "ui:submitButtonOptions": { submitText: t("common.submit"), props: { disabled: busy } } }}
      formData={data}
      idPrefix={`answer-${activity.id}`}
      fields={hintFields}
      widgets={hintWidgets}
      validator={cspSafeValidator}
      translateString={translateString}
      transformErrors={translateErrors}
      showErrorList={false}
      onChange={(e) => setData((e.formData ?? {}) as Record<string, unknown>)}
      onSubmit={async (e) => {
        setBusy(true);
        const outcome = await submit((e.formData ?? {}) as Record<string, unknown>);
        setBusy(false);
        setError(outcome.ok ? null : outcome.message);
      }}
    >
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t("common.submit")}
      </button>
    </Form>
  );
}

export function GenericResults({ activity, heading, screen }: ResultsProps) {
  return <DisplayBlocks blocks={activity.display} hideTitle={heading} screen={screen} />;
}
