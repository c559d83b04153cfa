/**
 * Makes plugin JSON Schemas friendlier to the generated forms.
 *
 * Pydantic writes an optional field (`str | None`) as `anyOf: [{type: string}, {type: null}]`,
 * which form libraries draw as an unlabeled "pick a type" select. Here it becomes
 * `type: ["string", "null"]`: one plain, labeled field that may stay empty.
 */
type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function simplifyNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(simplifyNullable);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = simplifyNullable(value);
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nonNull = anyOf.filter((s) => !(isObject(s) && s.type === "null"));
    const only = nonNull[0];
    if (nonNull.length === 1 && isObject(only) && typeof only.type === "string") {
      const { anyOf: _dropped, ...rest } = out;
      return { ...only, ...rest, type: [only.type, "null"] };
    }
  }
  return out;
}
