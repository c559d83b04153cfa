import { useState } from "react";
import { useTranslation } from "react-i18next";
import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import { ImageField } from "../ImageField";
import type { ActivityState, DisplayBlock } from "../../api/types";
import type { ActivityUI, ConfigureProps, RespondProps, ResultsProps } from "../types";

interface ParticipantOption {
  index: number;
  text: string;
  image_url?: string | null;
}

/** The options in this phone's own order (`extra.option_order`, from the personal document,
 * when the poll shuffles them), else in the shared order. */
export function orderedOptions(options: ParticipantOption[], order: unknown): ParticipantOption[] {
  if (!Array.isArray(order) || order.length !== options.length) return options;
  const byIndex = new Map(options.map((o) => [o.index, o]));
  const ordered = order.map((i) => byIndex.get(i as number));
  return ordered.every((o) => o !== undefined) ? (ordered as ParticipantOption[]) : options;
}

/** The options this participant chose (personal), for highlighting their bars. */
function ownChoices(activity: ActivityState): number[] {
  const fromPersonal = activity.extra.your_choices;
  if (Array.isArray(fromPersonal)) return fromPersonal as number[];
  return (activity.your_answers?.[0]?.data.choices as number[] | undefined) ?? [];
}

/** The poll's bars with the participant's own choices highlighted: the shared document has
 * one bar per option in the config's order, the same for every phone. */
function withOwnChoices(blocks: DisplayBlock[], chosen: number[]): DisplayBlock[] {
  if (!chosen.length) return blocks;
  return blocks.map((block, i) =>
    i === 0 && block.kind === "bars"
      ? { ...block, bars: block.bars.map((bar, j) => (chosen.includes(j) ? { ...bar, highlight: true } : bar)) }
      : block,
  );
}

function PollRespond({ activity, submit }: RespondProps) {
  const { t } = useTranslation();
  const config = activity.config as {
    question?: string;
    options?: ParticipantOption[];
    multiple?: boolean;
    min_selections?: number;
    max_selections?: number | null;
  };
  const options = orderedOptions(config.options ?? [], activity.extra.option_order);
  const multiple = !!config.multiple;
  const most = multiple ? (config.max_selections ?? options.length) : 1;
  const least = multiple ? (config.min_selections ?? 1) : 1;
  const previous = (activity.your_answers?.[0]?.data.choices as number[] | undefined) ?? [];
  const [chosen, setChosen] = useState<number[]>(previous);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const toggle = (index: number) => {
    if (!multiple) return setChosen([index]);
    setChosen((c) => (c.includes(index) ? c.filter((x) => x !== index) : c.length < most ? [...c, index] : c));
  };

  return (
    <form
      className="respond poll-respond"
      onSubmit={async (e) => {
        e.preventDefault();
        if (chosen.length < least) return setError(t("activities.poll.chooseAtLeast", { count: least }));
        setBusy(true);
        const outcome = await submit({ choices: [...chosen].sort((a, b) => a - b) });
        setBusy(false);
        setError(outcome.ok ? null : outcome.message);
      }}
    >
      <fieldset>
        <legend className="question">{config.question ?? activity.title}</legend>
        {multiple && (
          <p className="hint">
            {least === most
              ? t("activities.poll.chooseExactly", { count: most })
              : least === 1
                ? t("activities.poll.chooseUpTo", { count: most })
                : t("activities.poll.chooseBetween", { least, count: most })}
          </p>
        )}
        <div className="choices">
          {options.map((option) => (
            <label key={option.index} className={chosen.includes(option.index) ? "choice selected" : "choice"}>
              <input
                type={multiple ? "checkbox" : "radio"}
                name={`poll-${activity.id}`}
                value={option.index}
                checked={chosen.includes(option.index)}
                onChange={() => toggle(option.index)}
              />
              {option.image_url && <img src={option.image_url} alt="" className="choice-image" />}
              <span>{option.text}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || chosen.length === 0}>
        {t("common.submit")}
      </button>
    </form>
  );
}

interface OptionDraft {
  text: string;
  image_url?: string | null;
}

/** The option with this picture, or without `image_url` at all when there is none. */
function withImage(option: OptionDraft, url: string | null): OptionDraft {
  const { image_url: _old, ...rest } = option;
  return url ? { ...rest, image_url: url } : rest;
}

function PollConfigure({ value, onChange }: ConfigureProps) {
  const { t } = useTranslation();
  const options = (value.options as OptionDraft[] | undefined) ?? [];
  const set = (patch: Record<string, unknown>) => onChange({ ...value, ...patch });
  const setOption = (i: number, text: string) =>
    set({ options: options.map((o, j) => (j === i ? { ...o, text } : o)) });
  const multiple = !!value.multiple;
  return (
    <div className="config-form">
      <label className="field">
        <span>{t("activities.poll.question")}</span>
        <input value={(value.question as string) ?? ""} onChange={(e) => set({ question: e.target.value })} required />
      </label>
      <fieldset className="field">
        <legend>{t("activities.poll.options")}</legend>
        <ol className="option-list">
          {options.map((o, i) => (
            <li key={i}>
              <input
                aria-label={t("activities.poll.option", { n: i + 1 })}
                value={o.text}
                onChange={(e) => setOption(i, e.target.value)}
              />
              <ImageField
                label={t("activities.poll.optionImage", { n: i + 1 })}
                removeLabel={t("activities.poll.removeOptionImage", { n: i + 1 })}
                value={o.image_url}
                onChange={(url) => set({ options: options.map((x, j) => (j === i ? withImage(x, url) : x)) })}
              />
              <button
                type="button"
                className="icon"
                aria-label={t("activities.poll.removeOption", { n: i + 1 })}
                disabled={options.length <= 2}
                onClick={() => set({ options: options.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          disabled={options.length >= 30}
          onClick={() => set({ options: [...options, { text: "" }] })}
        >
          {t("activities.poll.addOption")}
        </button>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={multiple} onChange={(e) => set(e.target.checked ? { multiple: true } : { multiple: false, min_selections: 1, max_selections: null })} />
        {t("activities.poll.multiple")}
      </label>
      {multiple && (
        <div className="row">
          <label className="field">
            <span>{t("activities.poll.atLeast")}</span>
            <input type="number" min={1} max={30} value={(value.min_selections as number) ?? 1} onChange={(e) => set({ min_selections: Number(e.target.value) })} />
          </label>
          <label className="field">
            <span>{t("activities.poll.atMost")}</span>
            <input type="number" min={1} max={30} value={(value.max_selections as number | null) ?? ""} onChange={(e) => set({ max_selections: e.target.value ? Number(e.target.value) : null })} />
          </label>
        </div>
      )}
      <label className="check">
        <input type="checkbox" checked={!!value.allow_change} onChange={(e) => set({ allow_change: e.target.checked })} />
        {t("activities.poll.allowChange")}
      </label>
      <label className="check">
        <input type="checkbox" checked={!!value.shuffle_options} onChange={(e) => set({ shuffle_options: e.target.checked })} />
        {t("activities.poll.shuffle")}
      </label>
      <label className="field">
        <span>{t("activities.poll.showResults")}</span>
        <select value={(value.results_visibility as string) ?? "always"} onChange={(e) => set({ results_visibility: e.target.value })}>
          <option value="always">{t("activities.poll.visibility.always")}</option>
          <option value="after_answer">{t("activities.poll.visibility.afterAnswer")}</option>
          <option value="after_close">{t("activities.poll.visibility.afterClose")}</option>
          <option value="on_reveal">{t("activities.poll.visibility.onReveal")}</option>
        </select>
      </label>
      <label className="field">
        <span>{t("activities.poll.figures")}</span>
        <select value={(value.show as string) ?? "percentages"} onChange={(e) => set({ show: e.target.value })}>
          <option value="percentages">{t("activities.poll.figure.percentages")}</option>
          <option value="counts">{t("activities.poll.figure.counts")}</option>
          <option value="both">{t("activities.poll.figure.both")}</option>
        </select>
      </label>
    </div>
  );
}

function PollResults({ activity, role }: ResultsProps) {
  const { t } = useTranslation();
  if (!activity.display.length) {
    if (role !== "presenter") return null;
    const voters = activity.extra.voters;
    return (
      <p className="muted results-hidden">
        {typeof voters === "number" ? t("activities.poll.hiddenWithVotes", { count: voters }) : t("activities.poll.hidden")}
      </p>
    );
  }
  const blocks = role === "participant" ? withOwnChoices(activity.display, ownChoices(activity)) : activity.display;
  return <DisplayBlocks blocks={blocks} hideTitle={activity.config.question as string | undefined} />;
}

export const pollUI: ActivityUI = {
  Configure: PollConfigure,
  Respond: PollRespond,
  Results: PollResults,
  initialConfig: () => ({ question: "", options: [{ text: "" }, { text: "" }], multiple: false }),
};
