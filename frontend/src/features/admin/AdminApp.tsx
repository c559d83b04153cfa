import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, Route, Routes, useNavigate } from "react-router-dom";
import { adminToken, ApiError } from "../../api/client";
import { adminApi } from "./adminApi";
import { SessionEditor } from "./SessionEditor";
import { SessionList } from "./SessionList";

/** `/admin`: the presenter's console (login, sessions, activities, live control). */
export function AdminApp() {
  const [token, setToken] = useState(() => adminToken.get());
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ["me", token ?? ""],
    enabled: !!token,
    retry: false,
    queryFn: () => adminApi.me(),
  });
  const unauthorized = me.error instanceof ApiError && me.error.status === 401;
  if (!token || unauthorized) {
    return (
      <LoginPage
        onLoggedIn={() => {
          queryClient.clear();
          setToken(adminToken.get());
        }}
      />
    );
  }
  return (
    <div className="admin">
      <header className="admin-bar">
        <Link to="/admin" className="brand small">
          Caja
        </Link>
        <span className="muted">{me.data?.username}</span>
        <button
          type="button"
          className="ghost"
          onClick={async () => {
            await adminApi.logout();
            queryClient.clear();
            setToken(null);
          }}
        >
          Log out
        </button>
      </header>
      <Routes>
        <Route index element={<SessionList />} />
        <Route path="sessions/:sessionId" element={<SessionEditor />} />
      </Routes>
    </div>
  );
}

function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
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
      setError(err instanceof ApiError ? err.message : "No connection to the server");
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="page narrow">
      <h1 className="brand">Caja</h1>
      <h2>Presenter login</h2>
      <form className="stack" onSubmit={submit}>
        <label className="field">
          <span>Username</span>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
        </label>
        <label className="field">
          <span>Password</span>
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
          Log in
        </button>
      </form>
    </main>
  );
}
