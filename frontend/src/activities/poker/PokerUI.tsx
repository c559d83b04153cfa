import type { ActivityUI } from "../types";

/** Placeholder until the hand-made UI lands: the generic, schema-driven UI is used. */
export const pokerUI: ActivityUI = {};
