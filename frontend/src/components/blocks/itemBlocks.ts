/**
 * The entries and spotlight display blocks (caja_core.display.EntriesBlock, SpotlightBlock).
 *
 * Written by hand until the generated client carries them (npm run gen:api once the items
 * backend is on main); the shapes follow the server's models field for field.
 */
export interface Entry {
  id: string;
  text: string;
  author?: string | null;
  votes?: number | null;
  tags?: string[];
  created_at?: string | null;
  highlight?: boolean;
}

export interface EntriesBlock {
  kind: "entries";
  title?: string | null;
  entries: Entry[];
  order?: "votes" | "newest" | "as_given";
  layout?: "list" | "wall";
  voting?: boolean;
}

export interface SpotlightBlock {
  kind: "spotlight";
  title?: string | null;
  text: string;
  caption?: string | null;
}

export type EntryOrder = "votes" | "newest" | "as_given";

/** The entries sorted as asked: by votes (then newest), newest first, or as the server gave them. */
export function sortEntries(entries: Entry[], order: EntryOrder): Entry[] {
  if (order === "as_given") return entries;
  const newest = (a: Entry, b: Entry) => (b.created_at ?? "").localeCompare(a.created_at ?? "");
  const copy = [...entries];
  if (order === "newest") return copy.sort(newest);
  return copy.sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0) || newest(a, b));
}

/** A block of one of these kinds, found in an activity's display list (typed loosely on purpose). */
export function findBlock<K extends "entries" | "spotlight">(
  blocks: readonly { kind: string }[] | undefined,
  kind: K,
): (K extends "entries" ? EntriesBlock : SpotlightBlock) | undefined {
  return (blocks ?? []).find((b) => b.kind === kind) as never;
}
