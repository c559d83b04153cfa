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

/** The seconds left at which the countdown is announced. */
const ANNOUNCED_MARKS = [60, 30, 10, 5];
/** How long each announcement stays (it is read once, when it appears). */
const MARK_WINDOW = 2;

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
  // A timer is not announced each second (role="timer" is not live); a screen reader hears
  // the time left at a few marks only, so the countdown never floods it.
  const mark = ANNOUNCED_MARKS.find((m) => left <= m && left > m - MARK_WINDOW) ?? null;
  return (
    <>
      <div className={left <= 5 ? `${className} urgent` : className} role="timer" aria-label={t("status.secondsLeft", { count: left })}>
        {format.number(left)}
      </div>
      <span className="visually-hidden" aria-live="polite" aria-atomic="true">
        {mark !== null ? t("status.secondsLeft", { count: mark }) : ""}
      </span>
    </>
  );
}
