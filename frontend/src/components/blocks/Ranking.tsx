import { useTranslation } from "react-i18next";
import type { DisplayBlock, LeaderboardRow } from "../../api/types";
import { useFormat } from "../../i18n/format";

type LeaderboardBlock = Extract<DisplayBlock, { kind: "leaderboard" }>;
type PodiumBlock = Extract<DisplayBlock, { kind: "podium" }>;

export function Leaderboard({ block }: { block: LeaderboardBlock }) {
  const format = useFormat();
  return (
    <figure className="block leaderboard">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <ol className="leaderboard-list">
        {block.rows.map((row, i) => (
          <li key={`${i}-${row.name}`} className={row.highlight ? "highlight" : undefined}>
            <span className="rank">{format.number(row.rank)}</span>
            <span className="name">{row.name}</span>
            {row.detail && <span className="detail">{row.detail}</span>}
            <span className="score">{format.number(row.score)}</span>
          </li>
        ))}
      </ol>
    </figure>
  );
}

const ORDER = [2, 1, 3];

/** The top three on steps: second, first, third in reading order (mirrored right-to-left). */
export function Podium({ block }: { block: PodiumBlock }) {
  const { t } = useTranslation();
  const format = useFormat();
  const byPlace = (place: number): LeaderboardRow | undefined =>
    block.places.filter((p) => p.rank === place)[0] ?? block.places[place - 1];
  const shown = ORDER.map((place) => ({ place, row: byPlace(place) })).filter((x) => x.row);
  return (
    <figure className="block podium">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <ol className="podium-steps">
        {shown.map(({ place, row }) => (
          <li key={place} className={`step step-${place}`}>
            <span className="name">{row!.name}</span>
            <span className="score">{format.number(row!.score)}</span>
            <span className="place" aria-label={t("blocks.place", { rank: row!.rank })}>
              {format.number(row!.rank)}
            </span>
          </li>
        ))}
      </ol>
    </figure>
  );
}
