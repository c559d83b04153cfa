import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { failureMessage } from "../../api/client";
import { useFormat } from "../../i18n/format";
import { adminApi, MIN_PASSWORD_LENGTH } from "./adminApi";

/**
 * `/admin/account`: who is logged in, changing one's own password (which ends the account's
 * other logins; this one stays) and logging out.
 */
export function AccountPage({ onLogOut }: { onLogOut: () => void | Promise<void> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useQuery({ queryKey: ["me"], retry: false, queryFn: () => adminApi.me() });
  return (
    <main className="page narrow">
      <nav aria-label={t("admin.editor.breadcrumb")}>
        <Link to="/admin">{t("admin.editor.allSessions")}</Link>
      </nav>
      <h1>{t("admin.account.title")}</h1>
      {me.data && (
        <p>
          {t("admin.account.loggedInAs", { username: me.data.username })}{" "}
          <span className="muted">{t("admin.account.since", { when: format.dateTime(me.data.created_at) })}</span>
        </p>
      )}
      <PasswordForm />
      <section className="stack">
        <h2>{t("admin.account.logOutTitle")}</h2>
        <p className="muted">{t("admin.account.logOutHint")}</p>
        <button type="button" onClick={() => void onLogOut()}>
          {t("admin.logOut")}
        </button>
      </section>
    </main>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const hintId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (next !== again) {
      setError(t("admin.account.mismatch"));
      return;
    }
    if (next.length < MIN_PASSWORD_LENGTH) {
      setError(t("admin.account.tooShort", { min: MIN_PASSWORD_LENGTH }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await adminApi.changePassword(current, next);
      setCurrent("");
      setNext("");
      setAgain("");
      setDone(true);
    } catch (err) {
      setError(failureMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="stack">
      <h2>{t("admin.account.passwordTitle")}</h2>
      <form className="stack" onSubmit={submit}>
        <label className="field">
          <span>{t("admin.account.current")}</span>
          <input
            type="password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <label className="field">
          <span>{t("admin.account.new")}</span>
          <input
            type="password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            autoComplete="new-password"
            aria-describedby={hintId}
            required
          />
        </label>
        <p id={hintId} className="muted">
          {t("admin.account.newHint", { min: MIN_PASSWORD_LENGTH })}
        </p>
        <label className="field">
          <span>{t("admin.account.again")}</span>
          <input
            type="password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            autoComplete="new-password"
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {done && <p role="status">{t("admin.account.changed")}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {t("admin.account.change")}
        </button>
      </form>
    </section>
  );
}
