import { lazy, Suspense } from "react";
import { Link, Route, Routes } from "react-router-dom";
import { JoinCodePage, JoinPage } from "./features/participant/JoinPage";

// Phones load only the participant part; the console and the big screen come on demand.
const AdminApp = lazy(() => import("./features/admin/AdminApp").then((m) => ({ default: m.AdminApp })));
const PresentPage = lazy(() => import("./features/present/PresentPage").then((m) => ({ default: m.PresentPage })));

function Loading() {
  return <p className="page muted">Loading…</p>;
}

function Home() {
  return (
    <main className="page narrow home">
      <h1 className="brand">Caja</h1>
      <p>Live polls, planning poker, quizzes and word clouds.</p>
      <nav className="stack">
        <Link className="button primary" to="/join">
          Join a session
        </Link>
        <Link className="button" to="/admin">
          Presenter login
        </Link>
      </nav>
    </main>
  );
}

function NotFound() {
  return (
    <main className="page narrow">
      <h1>Page not found</h1>
      <Link to="/">Home</Link>
    </main>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/join" element={<JoinCodePage />} />
      <Route path="/join/:code" element={<JoinPage />} />
      <Route path="/admin/*" element={<Suspense fallback={<Loading />}><AdminApp /></Suspense>} />
      <Route path="/present/:sessionId" element={<Suspense fallback={<Loading />}><PresentPage /></Suspense>} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
