import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ItemsPanel } from "../../activities/items/ItemsPanel";
import { SideTabs } from "../../activities/items/SideTabs";
import { activityUI } from "../../activities/registry";
import type { ActivityState } from "../../api/types";
import { ConnectionBanner, Countdown } from "../../components/Status";
import { LanguageSwitcher } from "../../i18n";
import { useActivityTypes } from "../../lib/activityTypes";
import { forgetIdentity, type ParticipantIdentity } from "../../lib/identity";
import { useOutbox } from "../../lib/outbox";
import { useSessionLook } from "../../lib/sessionLook";
import { ResultsAnnouncer } from "../../components/ResultsAnnouncer";
import { useSecondsLeft } from "../../lib/time";
import { useLiveState } from "../../lib/useLiveState";

/** The phone: whatever the presenter runs now, the participant's answer, then results. */
export function ParticipantLive({ identity, onLeft }: { identity: ParticipantIdentity; onLeft: () => void }) {
  const { t } = useTranslation();
  const live = useLiveState(identity.sessionId, { token: identity.token });
  const outbox = useOutbox(identity.sessionId, identity.token);
  const state = live.state;
  // The session's language (unless the reader picked one), theme, accent and logo.
  const look = useSessionLook(state?.session, "phone", true);

  useEffect(() => {
    if (live.fatal) forgetIdentity(identity);
  }, [live.fatal, identity]);

  if (live.fatal) {
    return (
      <main className="page narrow phone">
        <h1>{t("phone.noLongerIn")}</h1>
        <p>{live.fatal.status === 404 ? t("phone.sessionGone") : t("phone.removed")}</p>
        <button type="button" className="primary" onClick={onLeft}>
          {t("phone.joinAgain")}
        </button>
      </main>
    );
  }

  return (
    <main className="page narrow phone participant">
      <header className="phone-header">
        {look.logoUrl ? (
          <img className="session-logo" src={look.logoUrl} alt={state?.session.name ?? ""} />
        ) : (
          <span className="brand small">Caja</span>
        )}
        <span className="you" aria-label={t("phone.yourNickname")}>
          {state?.you?.nickname ?? identity.nickname}
        </span>
      </header>
      <ConnectionBanner reconnecting={live.reconnecting} />
      <ActivityAnnouncer activity={state?.activity ?? null} />
      {outbox.waiting && (
        <p role="status" className="banner warn">
          {t("phone.offline")}
        </p>
      )}
      {!state ? (
        <p className="muted">{t("phone.connecting")}</p>
      ) : (
        <SideTabs
          current={state.activity}
          side={state.side}
          currentTitle={t("phone.youreIn")}
          renderSide={(side) => (
            <section className="activity" aria-label={side.title}>
              <ItemsPanel key={side.id} activity={side} sessionId={identity.sessionId} token={identity.token} refresh={live.refresh} />
            </section>
          )}
        >
          {state.session.status === "completed" ? (
        <section className="waiting">
          <h1 tabIndex={-1} ref={focusIfLost}>{t("phone.ended")}</h1>
          <p>{t("phone.thanks")}</p>
          {state.activity && <ActivityResults activity={state.activity} />}
        </section>
          ) : !state.activity ? (
        <section className="waiting" aria-live="polite">
          <h1 tabIndex={-1} ref={focusIfLost}>{t("phone.youreIn")}</h1>
          <p>{t("phone.waiting")}</p>
          <div className="pulse" aria-hidden="true" />
        </section>
          ) : (
        <CurrentActivity
          key={state.activity.id}
          activity={state.activity}
          clockOffsetMs={live.clockOffsetMs}
          token={identity.token}
          submit={async (data) => {
            const outcome = await outbox.send(state.activity!.id, data);
            if (outcome.ok && outcome.personal) live.acceptPersonal(outcome.personal);
            else if (outcome.ok) await live.refresh();
            return outcome;
          }}
          sessionId={identity.sessionId}
          refresh={live.refresh}
        />
          )}
        </SideTabs>
      )}
      <footer className="phone-footer">
        <LanguageSwitcher />
      </footer>
    </main>
  );
}

/**
 * A new screen's heading takes the focus when the one before went with its page (joining, the
 * presenter moving on): keyboard users go on from there, and screen readers read where they are.
 * A focus the participant has put somewhere is left alone.
 */
function focusIfLost(heading: HTMLHeadingElement | null): void {
  const active = document.activeElement;
  if (heading && (!active || active === document.body)) heading.focus();
}

/** How long after an answer is accepted a lost focus is given to the confirmation. */
const REFOCUS_MS = 5000;

/**
 * Tells a screen reader when the presenter moves on: the new activity's title, in a polite
 * live region that stays on the page (the activity's own section is replaced with it).
 */
function ActivityAnnouncer({ activity }: { activity: ActivityState | null }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState("");
  const shown = useRef<string | null>(null);
  useEffect(() => {
    const id = activity?.id ?? null;
    if (id === shown.current) return;
    shown.current = id;
    setMessage(activity ? t("phone.nowActivity", { title: activity.title }) : "");
  }, [activity, t]);
  return (
    <p className="visually-hidden" aria-live="polite">
      {message}
    </p>
  );
}

function ActivityResults({ activity }: { activity: ActivityState }) {
  const ui = activityUI(activity.type);
  return <ui.Results activity={activity} role="participant" />;
}

function CurrentActivity({
  activity,
  clockOffsetMs,
  token,
  submit,
  sessionId,
  refresh,
}: {
  activity: ActivityState;
  clockOffsetMs: number;
  token: string;
  sessionId: string;
  refresh: () => Promise<unknown>;
  submit: (data: Record<string, unknown>) => Promise<{ ok: true } | { ok: false; message: string }>;
}) {
  const { t } = useTranslation();
  const types = useActivityTypes(token);
  const typeInfo = types.data?.find((t) => t.name === activity.type);
  const ui = activityUI(activity.type, typeInfo);
  const round = ui.roundKey(activity);
  const [sentRound, setSentRound] = useState<string | null>(null);
  const secondsLeft = useSecondsLeft(activity.deadline, clockOffsetMs);
  const answered = ui.answered(activity) || sentRound === round;
  const open = activity.accepting_answers && secondsLeft !== 0;
  const received = useRef<HTMLParagraphElement>(null);
  const refocusUntil = useRef(0);
  useEffect(() => {
    // The answer form goes once the answer is in (a quiz question, a scale, a revealed poker
    // round): the focus would drop to <body>, so it goes to the confirmation instead.
    if (Date.now() > refocusUntil.current || !answered) return;
    const active = document.activeElement;
    if (!active || active === document.body) {
      received.current?.focus();
      refocusUntil.current = 0;
    }
  });

  return (
    <section className="activity" aria-labelledby="activity-title">
      <div className="activity-head">
        <h1 id="activity-title" tabIndex={-1} ref={focusIfLost}>
          {activity.title}
        </h1>
        <Countdown deadline={activity.deadline} clockOffsetMs={clockOffsetMs} />
      </div>
      {activity.description && <p className="description">{activity.description}</p>}
      {"item_schema" in activity && activity.item_schema ? (
        <ItemsPanel activity={activity} sessionId={sessionId} token={token} typeInfo={typeInfo} refresh={refresh} />
      ) : (
        <>
      {/* Always on the page, so that screen readers hear the text when it appears. */}
      <p role="status" ref={received} tabIndex={-1} className={answered ? "received" : "visually-hidden"}>
        {answered ? t("phone.answerReceived") : ""}
      </p>
      {open && (
        <ui.Respond
          key={round}
          activity={activity}
          typeInfo={typeInfo}
          secondsLeft={secondsLeft}
          submit={async (data) => {
            const outcome = await submit(data);
            if (outcome.ok) {
              setSentRound(round);
              refocusUntil.current = Date.now() + REFOCUS_MS;
            }
            return outcome;
          }}
        />
      )}
      {!open && !answered && activity.status === "active" && (
        <p className="muted">{t("phone.answersClosed")}</p>
      )}
      <ResultsAnnouncer shown={activity.results != null} revealed={activity.phase === "revealed"} />
      <ui.Results activity={activity} role="participant" />
        </>
      )}
    </section>
  );
}
