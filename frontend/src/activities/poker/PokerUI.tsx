import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ActivityState } from "../../api/types";
import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import { Check, NumberField, TextListEditor } from "../shared";
import type { ActivityUI, ConfigureProps, RespondProps, ResultsProps } from "../types";

interface PokerView {
  cards?: string[];
  current_item?: { title: string; description?: string | null } | null;
}

function currentRound(activity: ActivityState): number {
  const item = (activity.config as PokerView).current_item;
  const items = (activity.results as { items?: { title: string; rounds?: unknown[] }[] } | null)?.items ?? [];
  return items.find((i) => i.title === item?.title)?.rounds?.length ?? 1;
}

function PokerRespond({ activity, submit }: RespondProps) {
  const { t } = useTranslation();
  const view = activity.config as PokerView;
  const mine = (activity.extra.your_card as string | null | undefined) ?? null;
  const [picked, setPicked] = useState<string | null>(mine);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const play = async (card: string) => {
    setPicked(card);
    setBusy(true);
    const outcome = await submit({ card });
    setBusy(false);
    setError(outcome.ok ? null : outcome.message);
  };
  return (
    <div className="respond poker-respond">
      {view.current_item && (
        <div>
          <p className="question">{view.current_item.title}</p>
          {view.current_item.description && <p className="muted">{view.current_item.description}</p>}
        </div>
      )}
      <div className="deck" role="group" aria-label={t("activities.poker.yourEstimate")}>
        {(view.cards ?? []).map((card) => (
          <button
            key={card}
            type="button"
            className="deck-card"
            aria-pressed={picked === card}
            aria-label={
              card === "☕" ? t("activities.poker.coffee") : card === "?" ? t("activities.poker.unsure") : t("activities.poker.card", { card })
            }
            disabled={busy}
            onClick={() => void play(card)}
          >
            {card}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

interface PokerDraft {
  deck?: string;
  custom_cards?: string[];
  unsure_card?: boolean;
  coffee_card?: boolean;
  items?: { title: string; description?: string | null }[];
  round_seconds?: number | null;
  auto_reveal?: boolean;
}

const DECKS = [
  ["modified_fibonacci", "activities.poker.decks.modifiedFibonacci"],
  ["fibonacci", "activities.poker.decks.fibonacci"],
  ["tshirt", "activities.poker.decks.tshirt"],
  ["powers_of_two", "activities.poker.decks.powersOfTwo"],
  ["custom", "activities.poker.decks.custom"],
] as const;

function PokerConfigure({ value, onChange }: ConfigureProps) {
  const { t } = useTranslation();
  const v = value as PokerDraft;
  const set = (patch: PokerDraft) => onChange({ ...value, ...patch });
  const items = v.items ?? [];
  return (
    <div className="config-form">
      <label className="field">
        <span>{t("activities.poker.deck")}</span>
        <select value={v.deck ?? "modified_fibonacci"} onChange={(e) => set({ deck: e.target.value })}>
          {DECKS.map(([name, label]) => (
            <option key={name} value={name}>
              {t(label)}
            </option>
          ))}
        </select>
      </label>
      {v.deck === "custom" && (
        <TextListEditor
          legend={t("activities.poker.cards")}
          itemLabel={(n) => t("activities.poker.cardN", { n })}
          removeLabel={(n) => t("activities.poker.removeCard", { n })}
          values={v.custom_cards ?? []}
          onChange={(custom_cards) => set({ custom_cards })}
          max={30}
          addLabel={t("activities.poker.addCard")}
        />
      )}
      <Check checked={v.unsure_card ?? true} onChange={(unsure_card) => set({ unsure_card })}>
        {t("activities.poker.unsureCard")}
      </Check>
      <Check checked={!!v.coffee_card} onChange={(coffee_card) => set({ coffee_card })}>
        {t("activities.poker.coffeeCard")}
      </Check>
      <TextListEditor
        legend={t("activities.poker.items")}
        itemLabel={(n) => t("activities.poker.item", { n })}
        removeLabel={(n) => t("activities.poker.removeItem", { n })}
        values={items.map((i) => i.title)}
        onChange={(titles) => set({ items: titles.map((title, i) => ({ ...(items[i] ?? {}), title })) })}
        min={1}
        max={200}
        addLabel={t("activities.poker.addItem")}
      />
      <NumberField
        label={t("activities.poker.roundSeconds")}
        value={v.round_seconds}
        min={10}
        max={3600}
        optional
        onChange={(round_seconds) => set({ round_seconds })}
      />
      <Check checked={v.auto_reveal ?? true} onChange={(auto_reveal) => set({ auto_reveal })}>
        {t("activities.poker.autoReveal")}
      </Check>
    </div>
  );
}

function PokerResults({ activity }: ResultsProps) {
  return <DisplayBlocks blocks={activity.display} />;
}

export const pokerUI: ActivityUI = {
  Configure: PokerConfigure,
  Respond: PokerRespond,
  Results: PokerResults,
  initialConfig: () => ({ deck: "modified_fibonacci", items: [{ title: "" }], unsure_card: true, auto_reveal: true }),
  answered: (activity) => activity.extra.your_card != null,
  roundKey: (activity) =>
    `${activity.id}:${(activity.config as PokerView).current_item?.title ?? ""}:${currentRound(activity)}`,
};
