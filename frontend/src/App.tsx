import { Link, Route, Routes } from "react-router-dom";
import { AdminApp } from "./features/admin/AdminApp";
import { JoinCodePage, JoinPage } from "./features/participant/JoinPage";
import { PresentPage } from "./features/present/PresentPage";

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
      <Route path="/admin/*" element={<AdminApp />} />
      <Route path="/present/:sessionId" element={<PresentPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
