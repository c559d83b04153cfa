import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, Route, Routes } from "react-router-dom";
import { JoinCodePage, JoinPage } from "./features/participant/JoinPage";
import { LanguageSwitcher, useAppliedLanguage } from "./i18n";

// Phones load only the participant part; the console and the big screen come on demand.
const AdminApp = lazy(() => import("./features/admin/AdminApp").then((m) => ({ default: m.AdminApp })));
const PresentPage = lazy(() => import("./features/present/PresentPage").then((m) => ({ default: m.PresentPage })));

function Loading() {
  const { t } = useTranslation();
  return <p className="page muted">{t("common.loading")}</p>;
}

function Home() {
  const { t } = useTranslation();
  return (
    <main className="page narrow home">
      <h1 className="brand">Caja</h1>
      <p>{t("home.tagline")}</p>
      <nav className="stack">
        <Link className="button primary" to="/join">
          {t("home.join")}
        </Link>
        <Link className="button" to="/admin">
          {t("home.presenterLogin")}
        </Link>
      </nav>
      <LanguageSwitcher />
    </main>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <main className="page narrow">
      <h1>{t("home.notFound")}</h1>
      <Link to="/">{t("home.home")}</Link>
    </main>
  );
}

export function App() {
  useAppliedLanguage();
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
