import { useTranslation } from "react-i18next";
import type { DisplayBlock } from "../../api/types";

type CardsBlock = Extract<DisplayBlock, { kind: "cards" }>;

/** A row of cards that flip (CSS 3-D transform) when they turn face up. */
export function Cards({ block }: { block: CardsBlock }) {
  const { t } = useTranslation();
  return (
    <figure className="block cards">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <ul className="cards-row">
        {block.cards.map((card, i) => (
          <li
            key={`${i}-${card.label}`}
            className={`flip-card${card.face_up ? " face-up" : ""}${card.highlight ? " highlight" : ""}`}
          >
            <div className="flip-inner">
              <div className="flip-face flip-back" aria-hidden={card.face_up ? "true" : undefined}>
                <span className="card-pip">{card.face_up ? "" : "✓"}</span>
              </div>
              <div className="flip-face flip-front" aria-hidden={card.face_up ? undefined : "true"}>
                <span className="card-value">{card.value ?? ""}</span>
              </div>
            </div>
            <span className="card-label">
              {card.label}
              <span className="visually-hidden">
                {card.face_up ? `: ${card.value ?? ""}` : `: ${t("blocks.voted")}`}
              </span>
            </span>
            {card.note && <span className="card-note">{card.note}</span>}
          </li>
        ))}
      </ul>
    </figure>
  );
}
