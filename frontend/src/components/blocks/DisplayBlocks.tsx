import type { DisplayBlock } from "../../api/types";
import { Bars } from "./Bars";
import { Cards } from "./Cards";
import { Entries, Spotlight } from "./Entries";
import { Leaderboard, Podium } from "./Ranking";
import { Stats, Table } from "./Simple";
import { WordCloud } from "./WordCloud";

/** Draws an activity's display blocks; this is all an activity type needs for its results. */
/** How many entries the big screen shows: a list of questions, a wall of cards. */
export const SCREEN_ENTRIES = { list: 6, wall: 12 } as const;

export function DisplayBlocks({
  blocks,
  hideTitle,
  screen,
}: {
  blocks: DisplayBlock[];
  hideTitle?: string | null;
  /** Drawn for the big screen: long lists are cut to what the room can read. */
  screen?: boolean;
}) {
  return (
    <div className="blocks">
      {blocks.map((shown, i) => {
        // A block titled like the heading above it would say the same thing twice.
        const block = hideTitle && shown.title === hideTitle ? { ...shown, title: null } : shown;
        switch (block.kind) {
          case "entries":
            return <Entries key={i} block={block} max={screen ? SCREEN_ENTRIES[block.layout] : undefined} />;
          case "spotlight":
            return <Spotlight key={i} block={block} />;
          case "bars":
            return <Bars key={i} block={block} />;
          case "cloud":
            return <WordCloud key={i} block={block} />;
          case "cards":
            return <Cards key={i} block={block} />;
          case "leaderboard":
            return <Leaderboard key={i} block={block} />;
          case "podium":
            return <Podium key={i} block={block} />;
          case "stats":
            return <Stats key={i} block={block} />;
          case "table":
            return <Table key={i} block={block} />;
          default:
            return null;
        }
      })}
    </div>
  );
}
