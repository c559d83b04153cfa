import { useTranslation } from "react-i18next";
import type { ReactNode } from "react";
import "../items.css";
import { sortEntries, type EntriesBlock, type Entry, type EntryOrder, type SpotlightBlock } from "./itemBlocks";

const TYPE_TAGS = new Set(["pinned", "answered", "highlighted"]);
const MODERATION_TAGS = new Set(["pending", "hidden"]);

/**
 * Badges for an entry's tags: the built-in types' (pinned, answered, highlighted), the console's
 * moderation states (pending, hidden); a third-party type's own tags are shown as given.
 */
export function EntryBadges({ tags }: { tags?: string[] }) {
  const { t } = useTranslation();
  if (!tags?.length) return null;
  const label = (tag: string) =>
    TYPE_TAGS.has(tag)
      ? t(`blocks.tag.${tag as "pinned"}`)
      : MODERATION_TAGS.has(tag)
        ? t(`items.status.${tag as "pending"}`)
        : tag;
  return (
    <span className="entry-badges">
      {tags.map((tag) => (
        <span key={tag} className={`badge badge-${tag}`}>
          {label(tag)}
        </span>
      ))}
    </span>
  );
}

/**
 * Participants' entries: a list with vote counts and badges (Q&A) or a wall of cards (open text).
 * `action` adds a control per entry (the phone's vote button, the console's moderation buttons).
 */
export function Entries({
  block,
  order,
  action,
  max,
}: {
  block: EntriesBlock;
  order?: EntryOrder;
  action?: (entry: Entry) => ReactNode;
  /** Show at most this many (the big screen: what fits, readable from the back), then "and N more". */
  max?: number;
}) {
  const { t } = useTranslation();
  const sorted = sortEntries(block.entries, order ?? "as_given");
  const entries = max !== undefined ? sorted.slice(0, max) : sorted;
  const more = sorted.length - entries.length;
  const wall = block.layout === "wall";
  return (
    <figure className={`block entries ${wall ? "entries-wall" : "entries-list"}`}>
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      {entries.length === 0 ? (
        <p className="muted">{t("blocks.noEntries")}</p>
      ) : (
        <ul className="entries-items">
          {entries.map((entry) => (
            <li
              key={entry.id}
              className={`entry${entry.highlight ? " highlight" : ""}${entry.tags?.includes("answered") ? " answered" : ""}`}
            >
              {typeof entry.votes === "number" && (
                <span className="entry-votes">
                  <span className="entry-votes-n">{entry.votes}</span>
                  <span className="visually-hidden"> {t("blocks.votes", { count: entry.votes })}</span>
                </span>
              )}
              <span className="entry-body">
                <span className="entry-text">{entry.text}</span>
                <span className="entry-meta">
                  {/* On a wall no name means names are not shown: "Anonymous" on every card would be noise. */}
                  {(entry.author || !wall) && <span className="entry-author">{entry.author ?? t("blocks.anonymous")}</span>}
                  <EntryBadges tags={entry.tags} />
                </span>
              </span>
              {action && <span className="entry-action">{action(entry)}</span>}
            </li>
          ))}
        </ul>
      )}
      {more > 0 && <p className="entries-more">{t("blocks.moreEntries", { count: more })}</p>}
    </figure>
  );
}

/** One text shown large: the question being answered, a highlighted answer. */
export function Spotlight({ block }: { block: SpotlightBlock }) {
  return (
    <figure className="block spotlight">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <blockquote className="spotlight-text">{block.text}</blockquote>
      {block.caption && <p className="spotlight-caption">{block.caption}</p>}
    </figure>
  );
}
