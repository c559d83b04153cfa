import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, Route, Routes, useNavigate } from "react-router-dom";
import { ApiError, failureMessage } from "../../api/client";
import { LanguageSwitcher } from "../../i18n";
import { AccountPage } from "./AccountPage";
import { adminApi } from "./adminApi";
import { ReportPage } from "./ReportPage";
import { SessionEditor } from "./SessionEditor";
import { SessionList } from "./SessionList";

/** `/admin`: the presenter's console (login, sessions, activities, live control). */
export function AdminApp() {
  const { t } = useTranslation();
  // Logged in or not is the server's to say: the login is an HttpOnly cookie.
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: ["me"], retry: false, queryFn: () => adminApi.me() });
  const unauthorized = me.error instanceof ApiError && me.error.status === 401;
  if (me.isPending) return null;
  if (unauthorized) {
    return <LoginPage onLoggedIn={() => void queryClient.resetQueries()} />;
  }
  const logOut = async () => {
    await adminApi.logout();
    await queryClient.resetQueries();
  };
  return (
    <div className="admin">
      <header className="admin-bar">
        <Link to="/admin" className="brand small">
          Caja
        </Link>
        <Link to="/admin/account" className="muted" aria-label={t("admin.account.link", { username: me.data?.username })}>
          {me.data?.username}
        </Link>
        <LanguageSwitcher />
        <button type="button" className="ghost" onClick={() => void logOut()}>
          {t("admin.logOut")}
        </button>
      </header>
      <Routes>
        <Route index element={<SessionList />} />
        <Route path="sessions/:sessionId" element={<SessionEditor />} />
        <Route path="sessions/:sessionId/report" element={<ReportPage />} />
        <Route path="account" element={<AccountPage onLogOut={logOut} />} />
      </Routes>
    </div>
  );
}

function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await adminApi.login(username, password);
      onLoggedIn();
      navigate("/admin");
    } catch (err) {
      setError(failureMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="page narrow">
      <h1 className="brand">Caja</h1>
      <h2>{t("admin.login.title")}</h2>
      <form className="stack" onSubmit={submit}>
        <label className="field">
          <span>{t("admin.login.username")}</span>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
        </label>
        <label className="field">
          <span>{t("admin.login.password")}</span>
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t("admin.login.submit")}
        </button>
      </form>
      <footer className="phone-footer">
        <LanguageSwitcher />
      </footer>
    </main>
  );
}
