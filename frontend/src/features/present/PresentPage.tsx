import { useEffect, useRef, useState } from "react";
import { SideSpotlight } from "./SideSpotlight";
import { Trans, useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { activityUI } from "../../activities/registry";
import type { LiveState } from "../../api/types";
import { ConnectionBanner, Countdown } from "../../components/Status";
import { useFormat } from "../../i18n/format";
import { useActivityTypes } from "../../lib/activityTypes";
import { useQrCode, useSessionInfo, type SessionInfo } from "../../lib/session";
import { accentStyle, useSessionLook } from "../../lib/sessionLook";
import { useLiveState } from "../../lib/useLiveState";
import { KeyHelp, QrCorner } from "./Overlays";
import { runSessionCommand, usePresenterKeys } from "./presenterKeys";
import "./controls.css";

type Theme = "dark" | "light";
const THEME_KEY = "caja.present.theme";
const QR_KEY = "caja.present.qr";

/** The big screen: join instructions, then the live activity, readable from the back row. */
export function PresentPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { sessionId = "" } = useParams();
  const live = useLiveState(sessionId, { token: null }); // the login cookie
  const session = useSessionInfo(sessionId);
  const types = useActivityTypes(null);
  const qr = useQrCode(sessionId);
  // The session's language, theme, accent and logo; the presenter's own pick of a theme (the
  // button, "t") overrides the session's on this screen.
  const look = useSessionLook(live.state?.session ?? session.data, "screen");
  const [pickedTheme, setTheme] = useState<Theme | null>(() => localStorage.getItem(THEME_KEY) as Theme | null);
  const theme: Theme = pickedTheme ?? look.theme ?? "dark";
  const [qrCorner, setQrCorner] = useState(() => localStorage.getItem(QR_KEY) !== "off");
  const [joinView, setJoinView] = useState(false);
  const [blank, setBlank] = useState(false);
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<{ text: string; n: number } | null>(null);
  const running = useRef(false);

  useEffect(() => {
    if (pickedTheme) localStorage.setItem(THEME_KEY, pickedTheme);
  }, [pickedTheme]);
  useEffect(() => {
    localStorage.setItem(QR_KEY, qrCorner ? "on" : "off");
  }, [qrCorner]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);

  const tell = (text: string | null) => setNotice(text ? { text, n: Date.now() } : null);
  usePresenterKeys((command) => {
    if (command === "help") setHelp((h) => !h);
    else if (command === "escape") {
      setHelp(false);
      setJoinView(false);
      setBlank(false);
    } else if (command === "join") {
      setJoinView((v) => !v);
      setBlank(false);
    } else if (command === "qr") setQrCorner((v) => !v);
    else if (command === "blank") setBlank((v) => !v);
    else if (command === "fullscreen") void toggleFullscreen();
    else if (command === "theme") setTheme(theme === "dark" ? "light" : "dark");
    else if (live.state && !running.current) {
      // One session command at a time: a held arrow key must not skip activities.
      running.current = true;
      void runSessionCommand(command, live.state, session.data, types.data)
        .then((message) => {
          tell(message);
          void live.refresh();
          void session.refetch();
        })
        .finally(() => {
          running.current = false;
        });
    }
  });

  if (live.fatal?.status === 401) {
    return (
      <main className="page narrow">
        <h1>{t("present.logIn")}</h1>
        <Link to="/admin">{t("home.presenterLogin")}</Link>
      </main>
    );
  }

  const state = live.state;
  const showActivity = !!state?.activity && state.session.status !== "completed";
  const corner = showActivity && state?.session.status === "active" && qrCorner && !joinView;
  return (
    <div
      className={`present theme-${theme}${corner ? " with-qr" : ""}`}
      data-theme={theme}
      style={accentStyle(look.branding, theme)}
    >
      <header className="present-bar">
        <span className="present-name">
          {look.logoUrl && <img className="session-logo" src={look.logoUrl} alt="" />}
          {state?.session.name ?? session.data?.name ?? ""}
        </span>
        {state && state.session.status === "active" && state.activity && !corner && !joinView && (
          <span className="present-join-small">
            {t("present.joinAt")}{" "}
            <strong dir="ltr">{displayUrl(session.data)}</strong> · {t("present.code")}{" "}
            <strong className="code">{state.session.join_code}</strong>
          </span>
        )}
        <span className="present-count" aria-label={t("present.peopleIn", { count: state?.participant_count ?? 0 })}>
          <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
            <path d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM1 20c0-3.3 3.6-6 8-6s8 2.7 8 6v1H1v-1Zm17.5 1v-1c0-1.9-.8-3.6-2.1-4.9 3.6.2 6.6 2.3 6.6 4.9v1h-4.5Z" />
          </svg>
          {format.number(state?.participant_count ?? 0)}
        </span>
        <button type="button" className="ghost" onClick={() => setTheme(theme === "dark" ? "light" : "dark")}>
          {theme === "dark" ? t("present.lightTheme") : t("present.darkTheme")}
        </button>
        <button type="button" className="ghost" onClick={() => void toggleFullscreen()}>
          {t("present.fullScreen")}
        </button>
        <button type="button" className="ghost" onClick={() => setHelp(true)} aria-label={t("present.keys.title")}>
          ?
        </button>
      </header>
      <ConnectionBanner reconnecting={live.reconnecting} />
      <main className="present-main">
        {live.fatal ? (
          <h1>{live.fatal.message}</h1>
        ) : !state ? (
          <p className="present-muted">{t("common.loading")}</p>
        ) : joinView ? (
          <JoinScreen state={state} session={session.data} qr={qr} />
        ) : state.session.status === "completed" ? (
          <Finished state={state} />
        ) : state.activity ? (
          <LiveActivity state={state} clockOffsetMs={live.clockOffsetMs} />
        ) : (
          <JoinScreen state={state} session={session.data} qr={qr} />
        )}
      </main>
      {state && !joinView && !blank && <SideSpotlight state={state} />}
      {corner && state && <QrCorner qr={qr} url={displayUrl(session.data)} fullUrl={session.data?.join_url ?? ""} code={state.session.join_code} />}
      <p className={notice ? "present-notice" : "visually-hidden"} role="status" aria-live="polite">
        {notice?.text ?? ""}
      </p>
      {blank && <div className="present-blank" data-testid="blank-screen" role="img" aria-label={t("present.blanked")} />}
      {help && <KeyHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

async function toggleFullscreen(): Promise<void> {
  try {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await document.documentElement.requestFullscreen();
  } catch {
    // Full screen may be refused (no user gesture); the page still works.
  }
}

function displayUrl(session: SessionInfo | undefined): string {
  if (!session) return "";
  return session.join_url.replace(/^https?:\/\//, "").replace(/\/join\/[^/]+$/, "/join");
}

function JoinScreen({ state, session, qr }: { state: LiveState; session?: SessionInfo; qr: string | null }) {
  const { t } = useTranslation();
  const count = state.participant_count;
  return (
    <section className="join-screen" aria-labelledby="join-title">
      <div className="join-qr">{qr ? <img src={qr} alt={t("present.qrAlt", { url: session?.join_url ?? "" })} /> : null}</div>
      <div className="join-text">
        <h1 id="join-title">{t("present.joinTitle")}</h1>
        <p className="join-url" dir="ltr">{session?.join_url.replace(/^https?:\/\//, "") ?? ""}</p>
        <p className="join-code-line">
          {t("present.codeLabel")} <span className="code huge" data-testid="join-code">{state.session.join_code}</span>
        </p>
        <p className="join-count" aria-live="polite">
          <Trans i18nKey="present.peopleJoined" count={count} components={[<strong key="n" data-testid="participant-count" />]} />
        </p>
        {state.session.status === "draft" && <p className="present-muted">{t("present.waitingStart")}</p>}
      </div>
    </section>
  );
}

function LiveActivity({ state, clockOffsetMs }: { state: LiveState; clockOffsetMs: number }) {
  const { t } = useTranslation();
  const activity = state.activity!;
  const ui = activityUI(activity.type);
  const question = typeof activity.config.question === "string" ? activity.config.question : null;
  return (
    <section className="present-activity" aria-labelledby="present-title">
      <div className="present-head">
        <div>
          <h1 id="present-title">{question ?? activity.title}</h1>
          {question && question !== activity.title && <p className="present-sub">{activity.title}</p>}
          {activity.description && <p className="present-sub">{activity.description}</p>}
          {activity.status === "expired" && <p className="present-closed">{t("present.closed")}</p>}
        </div>
        <Countdown deadline={activity.deadline} clockOffsetMs={clockOffsetMs} className="countdown big" />
      </div>
      <div className="present-results" data-testid="present-results">
        <ui.Results activity={activity} role="presenter" heading={question} screen />
      </div>
    </section>
  );
}

function Finished({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  return (
    <section className="present-finished">
      <h1>{t("present.thankYou")}</h1>
      {state.activity && (
        <div className="present-results" data-testid="present-results">
          {(() => {
            const ui = activityUI(state.activity.type);
            return <ui.Results activity={state.activity} role="presenter" />;
          })()}
        </div>
      )}
    </section>
  );
}
