/**
 * Names for the shapes the UI uses, taken from the generated schema where the server declares
 * them. The live-state document is described in docs/architecture.md.
 */

export type Role = "presenter" | "participant";
export type SessionStatus = "draft" | "active" | "completed";

export interface Bar {
  label: string;
  count: number;
  percent: number;
  image_url?: string | null;
  highlight?: boolean;
}
export interface CloudWord {
  text: string;
  weight: number;
}
export interface Card {
  label: string;
  value?: string | null;
  face_up?: boolean;
  highlight?: boolean;
  note?: string | null;
}
export interface LeaderboardRow {
  rank: number;
  name: string;
  score: number;
  detail?: string | null;
  highlight?: boolean;
}
export interface Stat {
  label: string;
  value: string;
  highlight?: boolean;
}

export type DisplayBlock =
  | { kind: "bars"; title?: string | null; bars: Bar[]; show?: "counts" | "percentages" | "both"; total_label?: string | null }
  | { kind: "cloud"; title?: string | null; words: CloudWord[] }
  | { kind: "cards"; title?: string | null; cards: Card[] }
  | { kind: "leaderboard"; title?: string | null; rows: LeaderboardRow[] }
  | { kind: "podium"; title?: string | null; places: LeaderboardRow[] }
  | { kind: "stats"; title?: string | null; stats: Stat[] }
  | { kind: "table"; title?: string | null; columns: string[]; rows: string[][] };

export interface OwnAnswer {
  slot: string;
  data: Record<string, unknown>;
  submitted_at: string;
}

export interface ActivityState {
  id: string;
  type: string;
  title: string;
  description?: string | null;
  status: string;
  position: number;
  activated_at?: string | null;
  deadline?: string | null;
  config: Record<string, unknown>;
  phase: string;
  results?: Record<string, unknown> | null;
  display: DisplayBlock[];
  accepting_answers: boolean;
  extra: Record<string, unknown>;
  your_answers?: OwnAnswer[];
}

export interface LiveState {
  version: number;
  server_time: string;
  role: Role;
  session: { id: string; name: string; status: SessionStatus; join_code: string; join_url?: string };
  participant_count: number;
  you?: { id: string; nickname: string } | null;
  activity: ActivityState | null;
}

export interface ActivityTypeInfo {
  name: string;
  title: string;
  description?: string;
  config_schema: Record<string, unknown>;
  answer_schema: Record<string, unknown>;
  actions?: Record<string, Record<string, unknown>> | string[];
  display_kinds?: string[];
  web_component?: string | null;
  plugin?: string;
  version?: string;
}
