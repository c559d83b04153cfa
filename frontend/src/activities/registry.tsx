/**
 * The activity registry: a type name -> its UI pieces (configure, respond, results).
 *
 * The four built-ins have hand-made UIs. A type that names a web component gets it loaded. Any
 * other type works with no JavaScript: forms generated from its JSON Schemas and its results
 * drawn from its display blocks.
 */
import type { ActivityState, ActivityTypeInfo } from "../api/types";
import { pokerUI } from "./poker/PokerUI";
import { pollUI } from "./poll/PollUI";
import { quizUI } from "./quiz/QuizUI";
import type { ActivityUI, AdminControlsProps, ConfigureProps, RespondProps, ResultsProps } from "./types";
import { webComponentUI } from "./webComponent";
import { wordcloudUI } from "./wordcloud/WordcloudUI";
import { lazy, Suspense, type ComponentType } from "react";
import { useTranslation } from "react-i18next";
import { DisplayBlocks } from "../components/blocks/DisplayBlocks";

// The schema-form library is loaded only when a type without its own UI needs it.
const LazyConfigure = lazy(() => import("./generic/GenericUI").then((m) => ({ default: m.GenericConfigure })));
const LazyRespond = lazy(() => import("./generic/GenericUI").then((m) => ({ default: m.GenericRespond })));

function LoadingForm() {
  const { t } = useTranslation();
  return <p className="muted">{t("activities.loadingForm")}</p>;
}

function GenericConfigure(props: ConfigureProps) {
  return (
    <Suspense fallback={<LoadingForm />}>
      <LazyConfigure {...props} />
    </Suspense>
  );
}

function GenericRespond(props: RespondProps) {
  return (
    <Suspense fallback={<LoadingForm />}>
      <LazyRespond {...props} />
    </Suspense>
  );
}

function GenericResults({ activity, heading }: ResultsProps) {
  return <DisplayBlocks blocks={activity.display} hideTitle={heading} />;
}

const builtins = new Map<string, ActivityUI>([
  ["poll", pollUI],
  ["poker", pokerUI],
  ["quiz", quizUI],
  ["wordcloud", wordcloudUI],
]);

/** Registers (or replaces) the UI of an activity type. */
export function registerActivityUI(type: string, ui: ActivityUI): void {
  builtins.set(type, ui);
}

export interface ResolvedUI {
  Configure: ComponentType<ConfigureProps>;
  Respond: ComponentType<RespondProps>;
  Results: ComponentType<ResultsProps>;
  AdminControls: ComponentType<AdminControlsProps> | null;
  initialConfig: () => Record<string, unknown>;
  answered: (activity: ActivityState) => boolean;
  roundKey: (activity: ActivityState) => string;
  custom: boolean;
}

const anyAnswer = (activity: ActivityState): boolean => (activity.your_answers ?? []).length > 0;

/** The UI for `type`: hand-made, the type's web component, or generated from its schemas. */
export function activityUI(type: string, info?: ActivityTypeInfo): ResolvedUI {
  const own = builtins.get(type) ?? (info?.web_component ? webComponentUI(type, info.web_component) : undefined);
  return {
    Configure: own?.Configure ?? GenericConfigure,
    Respond: own?.Respond ?? GenericRespond,
    Results: own?.Results ?? GenericResults,
    AdminControls: own?.AdminControls ?? null,
    initialConfig: own?.initialConfig ?? (() => ({})),
    answered: own?.answered ?? anyAnswer,
    roundKey: own?.roundKey ?? ((a) => a.id),
    custom: !!own,
  };
}
