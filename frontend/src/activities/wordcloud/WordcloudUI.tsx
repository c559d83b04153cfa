import { useState } from "react";
import { useTranslation } from "react-i18next";
import { DisplayBlocks } from "../../components/blocks/DisplayBlocks";
import { useFormat } from "../../i18n/format";
import { Check, NumberField, TextListEditor } from "../shared";
import type { ActivityUI, AdminControlsProps, ConfigureProps, RespondProps, ResultsProps } from "../types";

interface CloudView {
  prompt?: string;
  entries_per_participant?: number;
  max_length?: number;
  single_word?: boolean;
}

function WordcloudRespond({ activity, submit }: RespondProps) {
  const { t } = useTranslation();
  const view = activity.config as CloudView;
  const sent = (activity.your_answers ?? []).map((a) => String(a.data.text ?? ""));
  const limit = view.entries_per_participant ?? 3;
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const left = Math.max(0, limit - sent.length);
  return (
    <form
      className="respond wordcloud-respond"
      onSubmit={async (e) => {
        e.preventDefault();
        const entry = text.trim();
        if (!entry) return;
        setBusy(true);
        const outcome = await submit({ text: entry });
        setBusy(false);
        if (outcome.ok) {
          setText("");
          setError(null);
        } else setError(outcome.message);
      }}
    >
      <label className="field">
        <span className="question">{view.prompt ?? activity.title}</span>
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={view.max_length ?? 25}
          autoComplete="off"
          enterKeyHint="send"
          aria-describedby="entries-left"
        />
      </label>
      <p id="entries-left" className="hint">
        {view.single_word ? `${t("activities.wordcloud.oneWord")} ` : ""}
        {t("activities.wordcloud.entriesLeft", { left, count: limit })}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || !text.trim() || left === 0}>
        {t("common.send")}
      </button>
    </form>
  );
}

function WordcloudResults({ activity, role }: ResultsProps) {
  const { t } = useTranslation();
  const sent = (activity.your_answers ?? []).map((a) => String(a.data.text ?? ""));
  return (
    <>
      {role === "participant" && sent.length > 0 && (
        <section aria-label={t("activities.wordcloud.yourEntries")}>
          <h2 className="block-title">{t("activities.wordcloud.yourEntries")}</h2>
          <ul className="entry-list">
            {sent.map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
        </section>
      )}
      <DisplayBlocks blocks={activity.display} hideTitle={(activity.config as CloudView).prompt} />
    </>
  );
}

interface CloudDraft extends CloudView {
  profanity_filter?: boolean;
  blocked_words?: string[];
  fold_accents?: boolean;
  top_n?: number;
}

function WordcloudConfigure({ value, onChange }: ConfigureProps) {
  const { t } = useTranslation();
  const v = value as CloudDraft;
  const set = (patch: CloudDraft) => onChange({ ...value, ...patch });
  return (
    <div className="config-form">
      <label className="field">
        <span>{t("activities.wordcloud.prompt")}</span>
        <input value={v.prompt ?? ""} onChange={(e) => set({ prompt: e.target.value })} maxLength={300} required />
      </label>
      <div className="row">
        <NumberField label={t("activities.wordcloud.entriesPerParticipant")} value={v.entries_per_participant ?? 3} min={1} max={10} onChange={(n) => set({ entries_per_participant: n ?? 3 })} />
        <NumberField label={t("activities.wordcloud.charactersPerEntry")} value={v.max_length ?? 25} min={1} max={200} onChange={(n) => set({ max_length: n ?? 25 })} />
        <NumberField label={t("activities.wordcloud.wordsShown")} value={v.top_n ?? 50} min={1} max={200} onChange={(n) => set({ top_n: n ?? 50 })} />
      </div>
      <Check checked={!!v.single_word} onChange={(single_word) => set({ single_word })}>
        {t("activities.wordcloud.singleWords")}
      </Check>
      <Check checked={v.profanity_filter ?? true} onChange={(profanity_filter) => set({ profanity_filter })}>
        {t("activities.wordcloud.refuseProfanity")}
      </Check>
      <Check checked={!!v.fold_accents} onChange={(fold_accents) => set({ fold_accents })}>
        {t("activities.wordcloud.foldAccents")}
      </Check>
      <TextListEditor
        legend={t("activities.wordcloud.blockedWords")}
        itemLabel={(n) => t("activities.wordcloud.blockedWord", { n })}
        removeLabel={(n) => t("activities.wordcloud.removeBlockedWord", { n })}
        values={v.blocked_words ?? []}
        onChange={(blocked_words) => set({ blocked_words })}
        max={500}
        addLabel={t("activities.wordcloud.addBlockedWord")}
      />
    </div>
  );
}

interface Entry {
  text: string;
  count: number;
  hidden?: boolean;
}

/** Moderation: every entry with a button to hide it from the big screen (or bring it back). */
function WordcloudModeration({ activity, runAction }: AdminControlsProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const entries = ((activity.results as { entries?: Entry[] } | null)?.entries ?? []).slice(0, 100);
  const [error, setError] = useState<string | null>(null);
  if (!entries.length) return null;
  const act = async (action: string, entry: string) => {
    try {
      await runAction(action, { entry });
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-label={t("activities.wordcloud.moderation")}>
      <h4 className="block-title">{t("activities.wordcloud.entries")}</h4>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul className="moderation">
        {entries.map((e) => (
          <li key={e.text} className={e.hidden ? "hidden-entry" : undefined}>
            <span className="entry-text">{e.text}</span>
            <span className="muted">{format.number(e.count)}</span>
            {e.hidden ? (
              <button type="button" className="small" aria-label={t("activities.wordcloud.showAgain", { entry: e.text })} onClick={() => void act("unhide", e.text)}>
                {t("admin.actions.unhide")}
              </button>
            ) : (
              <button type="button" className="small" aria-label={t("activities.wordcloud.hideEntry", { entry: e.text })} onClick={() => void act("hide", e.text)}>
                {t("admin.actions.hide")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export const wordcloudUI: ActivityUI = {
  AdminControls: WordcloudModeration,
  Configure: WordcloudConfigure,
  Respond: WordcloudRespond,
  Results: WordcloudResults,
  initialConfig: () => ({ prompt: "", entries_per_participant: 3, max_length: 25, profanity_filter: true }),
  // Each entry counts as an answer; the form stays open until the participant's limit.
  answered: (activity) => (activity.your_answers ?? []).length > 0,
};
