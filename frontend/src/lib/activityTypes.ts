import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, bearer, unwrap } from "../api/client";

/** The installed activity types (name, schemas, actions), their texts in the language shown. */
export function useActivityTypes(token: string | null) {
  const { i18n } = useTranslation();
  return useQuery({
    // The server translates titles and schema texts (Accept-Language): one entry per language.
    queryKey: ["activity-types", token ?? "", i18n.language],
    staleTime: 5 * 60_000,
    queryFn: async () =>
      unwrap(await api.GET("/api/activity-types", bearer(token))),
  });
}

/** One admin action of a type, with the JSON Schema of its body. */
export interface ActionInfo {
  name: string;
  /** The type's own label in the language asked for (servers before 0.2 send none). */
  title?: string;
  body_schema: { properties?: Record<string, { type?: string | string[]; title?: string; anyOf?: unknown[] }>; required?: string[] };
}

/** A type's admin actions, whichever shape the catalog lists them in. */
export function actionsOf(info: { actions?: unknown } | undefined): ActionInfo[] {
  const raw = info?.actions;
  if (!raw) return [];
  if (Array.isArray(raw)) return raw.map((a) => (typeof a === "string" ? { name: a, body_schema: {} } : (a as ActionInfo)));
  return Object.entries(raw as Record<string, unknown>).map(([name, body_schema]) => ({ name, body_schema: body_schema as ActionInfo["body_schema"] }));
}

/** Whether a type has an action by this name that takes no body (a key can run it). */
export function hasPlainAction(info: { actions?: unknown } | undefined, name: string): boolean {
  return actionsOf(info).some((a) => a.name === name && !(a.body_schema.required ?? []).length);
}
