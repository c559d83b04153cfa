import { useEffect, useState } from "react";
import { activityUI } from "../../activities/registry";
import type { ActivityState } from "../../api/types";
import { ConnectionBanner, Countdown } from "../../components/Status";
import { useActivityTypes } from "../../lib/activityTypes";
import { forgetIdentity, type ParticipantIdentity } from "../../lib/identity";
import { useOutbox } from "../../lib/outbox";
import { useSecondsLeft } from "../../lib/time";
import { useLiveState } from "../../lib/useLiveState";

/** The phone: whatever the presenter runs now, the participant's answer, then results. */
export function ParticipantLive({ identity, onLeft }: { identity: ParticipantIdentity; onLeft: () => void }) {
  const live = useLiveState(identity.sessionId, { token: identity.token });
  const outbox = useOutbox(identity.sessionId, identity.token);
  const state = live.state;

  useEffect(() => {
    if (live.fatal) forgetIdentity(identity);
  }, [live.fatal, identity]);

  if (live.fatal) {
    return (
      <main className="page narrow phone">
        <h1>You are no longer in this session</h1>
        <p>{live.fatal.status === 404 ? "The session is gone." : "The presenter removed you, or your place expired."}</p>
        <button type="button" className="primary" onClick={onLeft}>
          Join again
        </button>
      </main>
    );
  }

  return (
    <main className="page narrow phone participant">
      <header className="phone-header">
        <span className="brand small">Caja</span>
        <span className="you" aria-label="Your nickname">
          {state?.you?.nickname ?? identity.nickname}
        </span>
      </header>
      <ConnectionBanner reconnecting={live.reconnecting} />
      {outbox.waiting && (
        <p role="status" className="banner warn">
          No connection: your answer will be sent as soon as you are back online.
        </p>
      )}
      {!state ? (
        <p className="muted">Connecting…</p>
      ) : state.session.status === "completed" ? (
        <section className="waiting">
          <h1>The session has ended</h1>
          <p>Thank you for taking part!</p>
          {state.activity && <ActivityResults activity={state.activity} />}
        </section>
      ) : !state.activity ? (
        <section className="waiting" aria-live="polite">
          <h1>You’re in!</h1>
          <p>Waiting for the presenter to start the next activity…</p>
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
            if (outcome.ok) await live.refresh();
            return outcome;
          }}
        />
      )}
    </main>
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
}: {
  activity: ActivityState;
  clockOffsetMs: number;
  token: string;
  submit: (data: Record<string, unknown>) => Promise<{ ok: true } | { ok: false; message: string }>;
}) {
  const types = useActivityTypes(token);
  const typeInfo = types.data?.find((t) => t.name === activity.type);
  const ui = activityUI(activity.type, typeInfo);
  const round = ui.roundKey(activity);
  const [sentRound, setSentRound] = useState<string | null>(null);
  const secondsLeft = useSecondsLeft(activity.deadline, clockOffsetMs);
  const answered = ui.answered(activity) || sentRound === round;
  const open = activity.accepting_answers && secondsLeft !== 0;

  return (
    <section className="activity" aria-labelledby="activity-title">
      <div className="activity-head">
        <h1 id="activity-title">{activity.title}</h1>
        <Countdown deadline={activity.deadline} clockOffsetMs={clockOffsetMs} />
      </div>
      {activity.description && <p className="description">{activity.description}</p>}
      {answered && (
        <p role="status" className="received">
          Answer received
        </p>
      )}
      {open && (
        <ui.Respond
          key={round}
          activity={activity}
          typeInfo={typeInfo}
          secondsLeft={secondsLeft}
          submit={async (data) => {
            const outcome = await submit(data);
            if (outcome.ok) setSentRound(round);
            return outcome;
          }}
        />
      )}
      {!open && !answered && activity.status === "active" && (
        <p className="muted">Answers are closed for now.</p>
      )}
      <ui.Results activity={activity} role="participant" />
    </section>
  );
}
