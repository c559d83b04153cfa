import { useSecondsLeft } from "../lib/time";

/** "Reconnecting…" while polls fail; announced politely to screen readers. */
export function ConnectionBanner({ reconnecting }: { reconnecting: boolean }) {
  return (
    <div role="status" aria-live="polite" className={reconnecting ? "banner warn" : "visually-hidden"}>
      {reconnecting ? "Reconnecting…" : ""}
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
  const left = useSecondsLeft(deadline, clockOffsetMs);
  if (left === null) return null;
  return (
    <div className={left <= 5 ? `${className} urgent` : className} role="timer" aria-label={`${left} seconds left`}>
      {left}
    </div>
  );
}
