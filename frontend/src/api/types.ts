/** Short names for the generated API types (src/api/schema.ts, from the server's OpenAPI). */
import type { components } from "./schema";

type S = components["schemas"];

export type LiveState = S["StateOut"];
export type ActivityState = S["StateActivity"];
export type OwnAnswer = S["OwnAnswer"];
export type DisplayBlock = ActivityState["display"][number];
export type Bar = S["Bar"];
export type CloudWord = S["CloudWord"];
export type Card = S["Card"];
export type LeaderboardRow = S["LeaderboardRow"];
export type Stat = S["Stat"];
export type ActivityTypeInfo = S["ActivityTypeOut"];
export type SessionInfo = S["SessionOut"];
export type SessionDetail = S["SessionDetail"];
export type ActivityInfo = S["ActivityOut"];
export type ParticipantInfo = S["ParticipantOut"];
export type JoinOut = S["JoinOut"];
export type Role = LiveState["role"];
