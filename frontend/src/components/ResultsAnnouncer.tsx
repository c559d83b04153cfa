import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * Tells a screen reader once when an activity's results appear on the phone (revealed, or
 * shown after answering) or when they are revealed in place (planning poker's cards turn over):
 * a polite live region, present from the start so the change is heard, and silent while
 * counts move, so a live poll does not flood the reader.
 */
export function ResultsAnnouncer({ shown, revealed = false }: { shown: boolean; revealed?: boolean }) {
  const { t } = useTranslation();
  const was = useRef({ shown, revealed });
  const [message, setMessage] = useState("");
  useEffect(() => {
    if ((shown && !was.current.shown) || (shown && revealed && !was.current.revealed)) setMessage(t("phone.resultsShown"));
    if (!shown || (was.current.revealed && !revealed)) setMessage("");
    was.current = { shown, revealed };
  }, [shown, revealed, t]);
  return (
    <p className="visually-hidden" aria-live="polite" data-testid="results-announcer">
      {message}
    </p>
  );
}
