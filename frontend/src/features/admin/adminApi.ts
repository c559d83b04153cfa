/** The admin console's calls, in one place (typed by the generated client). */
import { adminAuth, adminToken, api, ApiError, errorMessage, unwrap } from "../../api/client";
import type { SessionInfo } from "../../lib/session";

api.use(adminAuth);

export interface ActivityInfo {
  id: string;
  type: string;
  title: string;
  description: string | null;
  config: Record<string, unknown>;
  position: number;
  status: "draft" | "active" | "expired";
  timeout_seconds: number | null;
}

export interface SessionDetail extends SessionInfo {
  activities: ActivityInfo[];
}

export interface ParticipantInfo {
  id: string;
  nickname: string;
  connection_status: "connected" | "disconnected";
  joined_at: string;
}

export interface ActivityDraft {
  type: string;
  title: string;
  description?: string | null;
  config: Record<string, unknown>;
  timeout_seconds?: number | null;
}

const sid = (session_id: string) => ({ params: { path: { session_id } } });
const aid = (session_id: string, activity_id: string) => ({ params: { path: { session_id, activity_id } } });

export const adminApi = {
  async login(username: string, password: string): Promise<void> {
    const out = unwrap(await api.POST("/api/auth/login", { body: { username, password } })) as unknown as {
      access_token: string;
    };
    adminToken.set(out.access_token);
  },
  async logout(): Promise<void> {
    await api.POST("/api/auth/logout").catch(() => undefined);
    adminToken.clear();
  },
  async me(): Promise<{ username: string }> {
    return unwrap(await api.GET("/api/auth/me")) as unknown as { username: string };
  },
  async listSessions(): Promise<SessionInfo[]> {
    return unwrap(await api.GET("/api/sessions")) as unknown as SessionInfo[];
  },
  async createSession(name: string): Promise<SessionInfo> {
    return unwrap(await api.POST("/api/sessions", { body: { name } })) as unknown as SessionInfo;
  },
  async getSession(id: string): Promise<SessionDetail> {
    return unwrap(await api.GET("/api/sessions/{session_id}", sid(id))) as unknown as SessionDetail;
  },
  async renameSession(id: string, name: string): Promise<void> {
    unwrap(await api.PATCH("/api/sessions/{session_id}", { ...sid(id), body: { name } }));
  },
  async deleteSession(id: string): Promise<void> {
    unwrap(await api.DELETE("/api/sessions/{session_id}", sid(id)));
  },
  async startSession(id: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{session_id}/start", sid(id)));
  },
  async completeSession(id: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{session_id}/complete", sid(id)));
  },
  async addActivity(id: string, draft: ActivityDraft): Promise<void> {
    unwrap(await api.POST("/api/sessions/{session_id}/activities", { ...sid(id), body: { ...draft } }));
  },
  async updateActivity(id: string, activityId: string, changes: Partial<ActivityDraft>, resetAnswers = false): Promise<void> {
    const result = await api.PATCH("/api/sessions/{session_id}/activities/{activity_id}", {
      params: { path: { session_id: id, activity_id: activityId }, query: resetAnswers ? { reset_answers: "true" } : {} },
      body: { ...changes },
    } as never);
    unwrap(result);
  },
  async deleteActivity(id: string, activityId: string): Promise<void> {
    unwrap(await api.DELETE("/api/sessions/{session_id}/activities/{activity_id}", aid(id, activityId)));
  },
  async reorder(id: string, activityIds: string[]): Promise<void> {
    unwrap(await api.PUT("/api/sessions/{session_id}/activities/order", { ...sid(id), body: { activity_ids: activityIds } }));
  },
  async activate(id: string, activityId: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{session_id}/activities/{activity_id}/activate", aid(id, activityId)));
  },
  async close(id: string, activityId: string): Promise<void> {
    unwrap(await api.POST("/api/sessions/{session_id}/activities/{activity_id}/close", aid(id, activityId)));
  },
  async runAction(id: string, activityId: string, action: string, body: Record<string, unknown>): Promise<string | null> {
    const out = unwrap(
      await api.POST("/api/sessions/{session_id}/activities/{activity_id}/actions/{action}", {
        params: { path: { session_id: id, activity_id: activityId, action } },
        body,
      }),
    ) as unknown as { message?: string | null };
    return out?.message ?? null;
  },
  async participants(id: string): Promise<ParticipantInfo[]> {
    return unwrap(await api.GET("/api/sessions/{session_id}/participants", sid(id))) as unknown as ParticipantInfo[];
  },
  async kick(id: string, participantId: string): Promise<void> {
    unwrap(
      await api.DELETE("/api/sessions/{session_id}/participants/{participant_id}", {
        params: { path: { session_id: id, participant_id: participantId } },
      }),
    );
  },
  /** Downloads the export as a file (the token goes in a header, so no plain link). */
  async download(id: string, format: "csv" | "json", filename: string): Promise<void> {
    const token = adminToken.get();
    const response = await fetch(`/api/sessions/${encodeURIComponent(id)}/export?format=${format}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => null);
      throw new ApiError(response.status, errorMessage(body, "Export failed"), body);
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `${filename}.${format}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
};
