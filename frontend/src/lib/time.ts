import { useEffect, useState } from "react";

/** Seconds left until `deadline` (ISO), on the server's clock; null without a deadline. */
export function useSecondsLeft(deadline: string | null | undefined, clockOffsetMs: number): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!deadline) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [deadline]);
  if (!deadline) return null;
  const end = Date.parse(deadline);
  if (Number.isNaN(end)) return null;
  return Math.max(0, Math.ceil((end - (now + clockOffsetMs)) / 1000));
}
