/** The entries and spotlight display blocks (caja_core.display.EntriesBlock, SpotlightBlock). */
import type { DisplayBlock } from "../../api/types";
import type { components } from "../../api/schema";

type S = components["schemas"];

export type Entry = S["Entry"];
export type EntriesBlock = S["EntriesBlock"];
export type SpotlightBlock = S["SpotlightBlock"];
export type EntryOrder = EntriesBlock["order"];

/**
 * The entries sorted as asked: most votes first (equal ones as the server gave them: the Q&A puts
 * the question that waited longer first), newest first, or as the server gave them.
 */
export function sortEntries(entries: Entry[], order: EntryOrder): Entry[] {
  if (order === "as_given") return entries;
  const copy = [...entries]; // Array.prototype.sort is stable
  if (order === "newest") return copy.sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));
  return copy.sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0));
}

/** The first block of one kind in an activity's display list. */
export function findBlock<K extends DisplayBlock["kind"]>(
  blocks: readonly DisplayBlock[] | undefined,
  kind: K,
): Extract<DisplayBlock, { kind: K }> | undefined {
  return (blocks ?? []).find((b): b is Extract<DisplayBlock, { kind: K }> => b.kind === kind);
}
