import { Spotlight } from "../../components/blocks/Entries";
import { findBlock } from "../../components/blocks/itemBlocks";
import type { LiveState } from "../../api/types";

/**
 * The big screen's banner for an activity open beside the current one: when it has a spotlight
 * block (a pinned question), that text is shown large over whatever runs now.
 */
export function SideSpotlight({ state }: { state: LiveState }) {
  const side = state.side;
  const spotlight = side && side.id !== state.activity?.id ? findBlock(side.display, "spotlight") : undefined;
  if (!spotlight) return null;
  return (
    <aside className="spotlight-banner" aria-label={side!.title} data-testid="side-spotlight">
      <Spotlight block={spotlight} />
    </aside>
  );
}
