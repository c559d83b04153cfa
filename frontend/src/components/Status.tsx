import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/format";
import { useSecondsLeft } from "../lib/time";

/** "Reconnecting…" while polls fail; announced politely to screen readers. */
export function ConnectionBanner({ reconnecting }: { reconnecting: boolean }) {
  const { t } = useTranslation();
  return (
    <div role="status" aria-live="polite" className={reconnecting ? "banner warn" : "visually-hidden"}>
      {reconnecting ? t("status.reconnecting") : ""}
    </div>
  );
}

/** Seconds left before a deadline, on the server's clock. */
export function Countdown({
  deadline,
  clockOffsetMs,
  className = "countdown",
}: {
  deadline: string | null | undefined;
  clockOffsetMs: number;
  className?: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const left = useSecondsLeft(deadline, clockOffsetMs);
  if (left === null) return null;
  return (
    <div className={left <= 5 ? `${className} urgent` : className} role="timer" aria-label={t("status.secondsLeft", { count: left })}>
      {format.number(left)}
    </div>
  );
}
