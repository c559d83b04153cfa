import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { api, errorMessage } from "../../api/client";
import { i18n, LanguageSwitcher } from "../../i18n";
import { loadIdentityByCode, saveIdentity, type ParticipantIdentity } from "../../lib/identity";
import { ParticipantLive } from "./ParticipantLive";

/** `/join`: type the code shown on the big screen. */
export function JoinCodePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  return (
    <main className="page narrow phone">
      <h1 className="brand">Caja</h1>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const clean = code.trim().toUpperCase().replace(/\s+/g, "");
          if (clean) navigate(`/join/${encodeURIComponent(clean)}`);
        }}
      >
        <label className="field">
          <span>{t("phone.joinCode")}</span>
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            inputMode="text"
            className="code-input"
            required
          />
        </label>
        <button type="submit" className="primary">
          {t("phone.continue")}
        </button>
      </form>
      <PhoneFooter />
    </main>
  );
}

/** `/join/{code}`: the nickname form, then the live participant view. */
export function JoinPage() {
  const { code = "" } = useParams();
  const joinCode = code.toUpperCase();
  const [identity, setIdentity] = useState<ParticipantIdentity | null>(() => loadIdentityByCode(joinCode));
  if (identity) {
    return <ParticipantLive key={identity.token} identity={identity} onLeft={() => setIdentity(null)} />;
  }
  return (
    <JoinForm
      joinCode={joinCode}
      onJoined={(id) => {
        saveIdentity(id);
        setIdentity(id);
      }}
    />
  );
}

/** Under the phone's first screens (after the form, so the keyboard reaches the form first). */
function PhoneFooter() {
  return (
    <footer className="phone-footer">
      <LanguageSwitcher />
    </footer>
  );
}

function JoinForm({ joinCode, onJoined }: { joinCode: string; onJoined: (id: ParticipantIdentity) => void }) {
  const { t } = useTranslation();
  const [nickname, setNickname] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [suggestion, setSuggestion] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const join = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSuggestion(null);
    try {
      const { data, error: body, response } = await api.POST("/api/join", {
        body: { join_code: joinCode, nickname },
      });
      if (response.ok && data) {
        const out = data;
        onJoined({
          sessionId: out.session_id,
          participantId: out.participant.id,
          nickname: out.participant.nickname,
          token: out.token,
          joinCode,
        });
        return;
      }
      const specific = (body as { code?: unknown } | undefined)?.code;
      if (response.status === 404 && (typeof specific !== "string" || specific === "not_found")) {
        setError(i18n.t("apiErrors.session_not_found"));
      } else setError(errorMessage(body, i18n.t("phone.joinFailed")));
      const extra = body as { suggestion?: unknown } | undefined;
      if (response.status === 409 && typeof extra?.suggestion === "string") setSuggestion(extra.suggestion);
    } catch {
      setError(i18n.t("phone.noConnection"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page narrow phone">
      <h1 className="brand">Caja</h1>
      <p className="join-code-label">
        {t("phone.joining")} <strong className="code">{joinCode}</strong>
      </p>
      <form className="stack" onSubmit={join}>
        <label className="field">
          <span>{t("phone.nickname")}</span>
          <input
            value={nickname}
            onChange={(e) => setNickname(e.target.value)}
            maxLength={32}
            autoComplete="nickname"
            required
            aria-describedby={error ? "join-error" : undefined}
          />
        </label>
        {error && (
          <p id="join-error" role="alert" className="error">
            {error}
          </p>
        )}
        {suggestion && (
          <button type="button" onClick={() => setNickname(suggestion)}>
            {t("phone.useSuggestion", { suggestion })}
          </button>
        )}
        <button type="submit" className="primary" disabled={busy || !nickname.trim()}>
          {t("phone.join")}
        </button>
      </form>
      <PhoneFooter />
    </main>
  );
}
