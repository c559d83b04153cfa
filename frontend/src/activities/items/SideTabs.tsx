/** Two tabs on the phone when an activity is open beside the current one (a Q&A next to a poll). */
import { useId, useState, type KeyboardEvent, type ReactNode } from "react";
import type { ActivityState } from "../../api/types";

export function SideTabs({
  current,
  side,
  currentTitle,
  renderSide,
  children,
}: {
  current: ActivityState | null;
  side: ActivityState | null | undefined;
  currentTitle: string;
  /** The side activity's panel (keyed by its id: what one activity kept is not another's). */
  renderSide: (side: ActivityState) => ReactNode;
  children: ReactNode;
}) {
  const [tab, setTab] = useState<"current" | "side">("current");
  const id = useId();
  if (!side || side.id === current?.id) return <>{children}</>;
  const tabs = [
    { key: "current" as const, label: current?.title ?? currentTitle },
    { key: "side" as const, label: side.title },
  ];
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      const next = tab === "current" ? "side" : "current";
      setTab(next);
      document.getElementById(`${id}-tab-${next}`)?.focus();
    }
  };
  return (
    <>
      <div role="tablist" className="item-tabs" onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            key={t.key}
            id={`${id}-tab-${t.key}`}
            type="button"
            role="tab"
            aria-selected={tab === t.key}
            aria-controls={`${id}-panel-${t.key}`}
            tabIndex={tab === t.key ? 0 : -1}
            onClick={() => setTab(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel-${tab}`} aria-labelledby={`${id}-tab-${tab}`}>
        {tab === "current" ? children : renderSide(side)}
      </div>
    </>
  );
}
