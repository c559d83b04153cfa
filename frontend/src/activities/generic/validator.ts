/**
 * A JSON-Schema validator for react-jsonschema-form that needs no `eval`.
 *
 * rjsf's usual validator (Ajv) compiles schemas with `new Function`, which the server's
 * Content-Security-Policy (`script-src 'self'`) forbids. @cfworker/json-schema interprets
 * schemas instead, so generated forms work under a strict CSP.
 */
import { Validator, type OutputUnit, type Schema } from "@cfworker/json-schema";
import {
  toErrorSchema,
  type RJSFSchema,
  type RJSFValidationError,
  type ValidationData,
  type ValidatorType,
} from "@rjsf/utils";

// Keywords whose failure only summarises a failure reported on a deeper location.
const SUMMARY = new Set(["properties", "items", "prefixItems", "$ref", "allOf", "additionalItems"]);

function withDefs(schema: RJSFSchema, rootSchema?: RJSFSchema): Schema {
  const defs = { ...(rootSchema?.$defs ?? {}), ...(schema.$defs ?? {}) };
  return { ...(schema as Schema), $defs: defs };
}

function validate(schema: RJSFSchema, data: unknown, rootSchema?: RJSFSchema): OutputUnit[] {
  const result = new Validator(withDefs(schema, rootSchema), "2020-12", false).validate(
    data === undefined ? null : data,
  );
  return result.valid ? [] : result.errors;
}

/** "#/options/0/text" -> ".options.0.text" (rjsf's property path). */
function propertyPath(instanceLocation: string): string {
  const parts = instanceLocation.replace(/^#\/?/, "").split("/").filter(Boolean);
  return parts.length ? "." + parts.map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~")).join(".") : ".";
}

/** The value at a JSON pointer like "#/properties/name/maxLength" (the failed keyword's limit). */
function at(schema: unknown, pointer: string): unknown {
  let node = schema;
  for (const part of pointer.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node;
}

function toRjsfErrors(units: OutputUnit[], schema?: RJSFSchema): RJSFValidationError[] {
  const seen = new Set<string>();
  const out: RJSFValidationError[] = [];
  for (const unit of units) {
    if (SUMMARY.has(unit.keyword)) continue;
    const property = propertyPath(unit.instanceLocation);
    const message = unit.error.replace(/^Instance(?: "[^"]*")? /, "");
    const key = `${property}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      name: unit.keyword,
      // The keyword's own value (a maxLength's limit), so the form can say it in any language.
      params: { limit: schema ? at(schema, unit.keywordLocation) : undefined },
      property,
      message,
      stack: `${property === "." ? "" : property.slice(1) + " "}${message}`.trim(),
      schemaPath: unit.keywordLocation,
    });
  }
  return out;
}

export const cspSafeValidator: ValidatorType = {
  validateFormData(formData, schema, customValidate, transformErrors, uiSchema): ValidationData<unknown> {
    let errors = toRjsfErrors(validate(schema, formData, schema), schema);
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    let errorSchema = toErrorSchema(errors);
    if (customValidate) {
      // rjsf's error handler shape: an object tree with addError; keep it simple and merge.
      const handler = customValidate(formData, {} as never, uiSchema, errorSchema);
      errorSchema = { ...errorSchema, ...(handler as object) };
    }
    return { errors, errorSchema };
  },
  isValid(schema, formData, rootSchema) {
    try {
      return validate(schema, formData, rootSchema).length === 0;
    } catch {
      return false;
    }
  },
  rawValidation(schema, formData) {
    try {
      return { errors: validate(schema, formData, schema) as never[] };
    } catch (err) {
      return { validationError: err as Error };
    }
  },
};
