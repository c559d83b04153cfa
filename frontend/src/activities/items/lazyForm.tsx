import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import type { RespondProps } from "../types";

// The schema-form library is loaded only when an entry form is shown.
const LazyRespond = lazy(() => import("../generic/GenericUI").then((m) => ({ default: m.GenericRespond })));

export function GenericRespondLazy(props: RespondProps) {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<p className="muted">{t("activities.loadingForm")}</p>}>
      <LazyRespond {...props} />
    </Suspense>
  );
}
