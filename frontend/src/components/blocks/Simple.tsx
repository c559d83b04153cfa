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
    </figure>
  );
}
