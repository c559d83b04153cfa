import type { ComponentType } from "react";
import type { ActivityState, ActivityTypeInfo } from "../api/types";
import type { SendOutcome } from "../lib/outbox";

/** The participant's answer form for one activity. */
export interface RespondProps {
  activity: ActivityState;
  typeInfo?: ActivityTypeInfo;
  /** Sends an answer; resolves once the server has it (retrying while offline). */
  submit: (data: Record<string, unknown>) => Promise<SendOutcome>;
  /** Seconds left before the deadline, or null. */
  secondsLeft: number | null;
}

/** The admin's config form for a new or edited activity. */
export interface ConfigureProps {
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  typeInfo: ActivityTypeInfo;
}

/** The results of one activity, on the big screen, the admin console or a phone. */
export interface ResultsProps {
  activity: ActivityState;
  role: "presenter" | "participant";
  /** The heading the page already shows above the results (the big screen's question): a
   * block titled the same leaves its title out. */
  heading?: string | null;
  /** Drawn on the big screen (long lists cut to what the room can read). */
  screen?: boolean;
}

/** Extra controls for the presenter's console (e.g. word-cloud moderation). */
export interface AdminControlsProps {
  activity: ActivityState;
  /** Runs one of the type's admin actions with a body. */
  runAction: (action: string, body: Record<string, unknown>) => Promise<void>;
}

/** The UI pieces of one activity type. Missing pieces fall back to the generic ones. */
export interface ActivityUI {
  Configure?: ComponentType<ConfigureProps>;
  Respond?: ComponentType<RespondProps>;
  Results?: ComponentType<ResultsProps>;
  AdminControls?: ComponentType<AdminControlsProps>;
  /** The config a new activity of this type starts with. */
  initialConfig?: () => Record<string, unknown>;
  /** Whether the participant has answered the current round (e.g. the quiz's open question). */
  answered?: (activity: ActivityState) => boolean;
  /** Identifies one answering round (a quiz question, a poker round); default: the activity. */
  roundKey?: (activity: ActivityState) => string;
}
