import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * Tells a screen reader once when an activity's results appear on the phone (revealed, or
 * shown after answering): a polite live region, present from the start so the change is
 * heard, and silent while counts move, so a live poll does not flood the reader.
 */
export function ResultsAnnouncer({ shown }: { shown: boolean }) {
  const { t } = useTranslation();
  const wasShown = useRef(shown);
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (shown && !wasShown.current) setMessage(t("phone.resultsShown"));
    if (!shown) setMessage("");
    wasShown.current = shown;
  }, [shown, t]);
  return (
    <p className="visually-hidden" aria-live="polite" data-testid="results-announcer">
      {message}
    </p>
  );
}
