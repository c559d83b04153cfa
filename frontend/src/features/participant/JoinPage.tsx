import { useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { api, errorMessage } from "../../api/client";
import { loadIdentityByCode, saveIdentity, type ParticipantIdentity } from "../../lib/identity";
import { ParticipantLive } from "./ParticipantLive";

/** `/join`: type the code shown on the big screen. */
export function JoinCodePage() {
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
          <span>Join code</span>
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
          Continue
        </button>
      </form>
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

function JoinForm({ joinCode, onJoined }: { joinCode: string; onJoined: (id: ParticipantIdentity) => void }) {
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
      if (response.status === 404) setError("There is no open session with this code. Check the code on the screen.");
      else setError(errorMessage(body, "Could not join"));
      const extra = body as { suggestion?: unknown } | undefined;
      if (response.status === 409 && typeof extra?.suggestion === "string") setSuggestion(extra.suggestion);
    } catch {
      setError("No connection. Check your network and try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page narrow phone">
      <h1 className="brand">Caja</h1>
      <p className="join-code-label">
        Joining <strong className="code">{joinCode}</strong>
      </p>
      <form className="stack" onSubmit={join}>
        <label className="field">
          <span>Nickname</span>
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
            Use “{suggestion}”
          </button>
        )}
        <button type="submit" className="primary" disabled={busy || !nickname.trim()}>
          Join
        </button>
      </form>
    </main>
  );
}
