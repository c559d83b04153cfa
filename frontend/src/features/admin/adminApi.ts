/** The admin console's calls, in one place (typed by the generated client). */
import { api, ApiError, errorMessage, languageHeaders, unwrap } from "../../api/client";
import { i18n } from "../../i18n";
import type { ActivityInfo, ParticipantInfo, SessionDetail, SessionInfo } from "../../api/types";
import type { components } from "../../api/schema";

export type TemplateInfo = components["schemas"]["TemplateOut"];
export type SessionReport = components["schemas"]["ReportOut"];
export type ReportActivity = components["schemas"]["ReportActivity"];
export type DefinitionFormat = "json" | "yaml";

/** The format of a definition file, by its name (what the user picked); null when unknown. */
export function definitionFormat(filename: string): DefinitionFormat | null {
  const lower = filename.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  return null;
}

/** Saves a blob as a file the browser downloads. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** GET an admin-only file (with the login cookie) and save it under a name of ours. */
async function downloadFile(path: string, filename: string, failure: string): Promise<void> {
  const response = await fetch(path, { headers: languageHeaders() });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new ApiError(response.status, errorMessage(body, failure), body);
  }
  saveBlob(await response.blob(), filename);
}

export type { ActivityInfo, SessionDetail };

export interface ActivityDraft {
  type: string;
  title: string;
  description?: string | null;
  config: Record<string, unknown>;
  timeout_seconds?: number | null;
}

/** The server's minimum (caja_core.services.admins.MIN_PASSWORD_LENGTH), checked here first. */
export const MIN_PASSWORD_LENGTH = 8;

const inSession = (sid: string) => ({ params: { path: { sid } } });
const inActivity = (sid: string, aid: string) => ({ params: { path: { sid, aid } } });

export const adminApi = {
  async login(username: string, password: string): Promise<void> {
    // The server sets the HttpOnly login cookie; the token in the body is for API clients.
    unwrap(await api.POST("/api/auth/login", { body: { username, password } }));
  },
  async logout(): Promise<void> {
    await api.POST("/api/auth/logout").catch(() => undefined);
  },
  async me(): Promise<{ username: string; created_at: string }> {
    return unwrap(await api.GET("/api/auth/me"));
  },
  /** Ends the account's other logins; this one stays. */
  async changePassword(current: string, next: string): Promise<void> {
    unwrap(await api.POST("/api/auth/password", { body: { current_password: current, new_password: next } }));
  },
  async listSessions(): Promise<SessionInfo[]> {
    return unwrap(await api.GET("/api/sessions"));
  },
  async createSession(name: string): Promise<SessionInfo> {
    return unwrap(await api.POST("/api/sessions", { body: { name } }));
  },
  async getSession(id: string): Promise<SessionDetail> {
    return unwrap(await api.GET("/api/sessions/{sid}", inSession(id)));
  },
  async renameSession(id: string, name: string): Promise<void> {
    unwrap(await api.PATCH("/api/sessions/{sid}", { ...inSession(id), body: { name } }));
  },
  async deleteSession(id: string): Promise<void> {
    unwrap(await api.DELETE("/api/sessions/{sid}", inSession(id)));
  },
  async startSession(id: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{sid}/start", inSession(id)));
  },
  async completeSession(id: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{sid}/complete", inSession(id)));
  },
  async addActivity(id: string, draft: ActivityDraft): Promise<void> {
    unwrap(await api.POST("/api/sessions/{sid}/activities", { ...inSession(id), body: { ...draft } }));
  },
  async updateActivity(id: string, activityId: string, changes: Partial<ActivityDraft>, resetAnswers = false): Promise<void> {
    const result = await api.PATCH("/api/sessions/{sid}/activities/{aid}", {
      params: { path: { sid: id, aid: activityId }, query: resetAnswers ? { reset_answers: true } : {} },
      body: { ...changes },
    });
    unwrap(result);
  },
  async deleteActivity(id: string, activityId: string): Promise<void> {
    unwrap(await api.DELETE("/api/sessions/{sid}/activities/{aid}", inActivity(id, activityId)));
  },
  async reorder(id: string, activityIds: string[]): Promise<void> {
    unwrap(await api.PUT("/api/sessions/{sid}/activities/order", { ...inSession(id), body: { activity_ids: activityIds } }));
  },
  async activate(id: string, activityId: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{sid}/activities/{aid}/activate", inActivity(id, activityId)));
  },
  async close(id: string, activityId: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{sid}/activities/{aid}/close", inActivity(id, activityId)));
  },
  async runAction(id: string, activityId: string, action: string, body: Record<string, unknown>): Promise<string | null> {
    const out = unwrap(
      await api.POST("/api/sessions/{sid}/activities/{aid}/actions/{action}", {
        params: { path: { sid: id, aid: activityId, action } },
        body,
      }),
    );
    return out?.message ?? null;
  },
  async participants(id: string): Promise<ParticipantInfo[]> {
    return unwrap(await api.GET("/api/sessions/{sid}/participants", inSession(id)));
  },
  async kick(id: string, participantId: string): Promise<void> {
    unwrap(
      await api.DELETE("/api/sessions/{sid}/participants/{pid}", {
        params: { path: { sid: id, pid: participantId } },
      }),
    );
  },
  /** Downloads the export as a file. */
  async download(id: string, format: "csv" | "json" | "xlsx", filename: string): Promise<void> {
    await downloadFile(
      `/api/sessions/${encodeURIComponent(id)}/export?format=${format}`,
      `${filename}.${format}`,
      i18n.t("errors.exportFailed"),
    );
  },
  /** Downloads the session's definition (activities and configs) as a JSON or YAML file. */
  async downloadDefinition(id: string, format: DefinitionFormat, filename: string): Promise<void> {
    await downloadFile(
      `/api/sessions/${encodeURIComponent(id)}/definition?format=${format}`,
      `${filename}.caja.${format}`,
      i18n.t("errors.exportFailed"),
    );
  },
  async duplicate(id: string, name?: string): Promise<SessionDetail> {
    return unwrap(await api.POST("/api/sessions/{sid}/duplicate", { ...inSession(id), body: name ? { name } : undefined }));
  },
  /** A new draft session from a definition file's text; nothing is created when it is invalid. */
  async importDefinition(text: string, format: DefinitionFormat): Promise<SessionDetail> {
    const contentType = format === "json" ? "application/json" : "application/yaml";
    const result = await api.POST("/api/sessions/import", {
      // The text goes as it is: the server parses (and locates errors in) JSON and YAML alike.
      body: text as unknown as Record<string, never>,
      bodySerializer: (b: unknown) => b as string,
      headers: { "Content-Type": contentType },
    });
    return unwrap(result);
  },
  async templates(): Promise<TemplateInfo[]> {
    return unwrap(await api.GET("/api/templates"));
  },
  async fromTemplate(templateId: string): Promise<SessionDetail> {
    return unwrap(await api.POST("/api/templates/{template_id}/sessions", { params: { path: { template_id: templateId } } }));
  },
  async report(id: string): Promise<SessionReport> {
    return unwrap(await api.GET("/api/sessions/{sid}/report", inSession(id)));
  },
};
