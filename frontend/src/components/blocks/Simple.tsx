import { useEffect, useRef, useState, type ReactNode } from "react";
import type { DisplayBlock } from "../../api/types";

type StatsBlock = Extract<DisplayBlock, { kind: "stats" }>;
type TableBlock = Extract<DisplayBlock, { kind: "table" }>;

export function Stats({ block }: { block: StatsBlock }) {
  return (
    <figure className="block stats">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <dl className="stats-grid">
        {block.stats.map((s, i) => (
          <div key={`${i}-${s.label}`} className={s.highlight ? "stat highlight" : "stat"}>
            <dt>{s.label}</dt>
            <dd>{s.value}</dd>
          </div>
        ))}
      </dl>
    </figure>
  );
}

export function Table({ block }: { block: TableBlock }) {
  return (
    <figure className="block table">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <ScrollSideways>
      <table>
        <thead>
          <tr>
            {block.columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {block.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </ScrollSideways>
    </figure>
  );
}

/**
 * A wide table scrolls inside its own box, never the page (a 320 px phone, 400 % zoom). While
 * it overflows the box can take the focus, so the keyboard scrolls it with the arrow keys.
 */
function ScrollSideways({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1);
    const observer = new ResizeObserver(check);
    observer.observe(el);
    check();
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="table-scroll" tabIndex={overflows ? 0 : undefined}>
      {children}
    </div>
  );
}
