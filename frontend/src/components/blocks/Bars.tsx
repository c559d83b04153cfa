import { useTranslation } from "react-i18next";
import type { DisplayBlock } from "../../api/types";
import { useFormat } from "../../i18n/format";
import "../media.css";

type BarsBlock = Extract<DisplayBlock, { kind: "bars" }>;

/** Horizontal bars that grow with a CSS transition as answers come in. */
export function Bars({ block }: { block: BarsBlock }) {
  const { t } = useTranslation();
  const format = useFormat();
  const show = block.show ?? "both";
  return (
    <figure className="block bars">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <ul className="bars-list">
        {block.bars.map((bar, i) => {
          const figure =
            show === "counts"
              ? format.number(bar.count)
              : show === "percentages"
                ? format.percent(bar.percent)
                : `${format.number(bar.count)} · ${format.percent(bar.percent)}`;
          return (
            <li key={`${i}-${bar.label}`} className={bar.highlight ? "bar highlight" : "bar"}>
              <div className="bar-head">
                <span className="bar-label">
                  {bar.image_url && <img src={bar.image_url} alt="" className="bar-image" />}
                  {bar.highlight && <span aria-label={t("blocks.correct")}>✓ </span>}
                  {bar.label}
                </span>
                <span className="bar-figure">{figure}</span>
              </div>
              <div className="bar-track" aria-hidden="true">
                <div
                  className="bar-fill"
                  style={{ width: `${Math.max(0, Math.min(100, bar.percent))}%` }}
                />
              </div>
            </li>
          );
        })}
      </ul>
      {block.total_label && <p className="block-caption">{block.total_label}</p>}
    </figure>
  );
}
