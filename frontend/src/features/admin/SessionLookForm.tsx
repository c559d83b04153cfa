import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ImageField } from "../../activities/ImageField";
import { api, failureMessage, unwrap } from "../../api/client";
import type { SessionInfo } from "../../api/types";
import { isLanguage, LANGUAGE_NAMES, LANGUAGES, type Language } from "../../i18n";
import type { Branding, Theme } from "../../lib/sessionLook";

type Changes = { language?: Language | null; accent_color?: string | null; logo_url?: string | null; theme?: Theme | null };

/**
 * A session's language and look: the language of the big screen (and of the phones unless a
 * reader picks another), its theme, accent colour and logo. Each change is saved at once; the
 * server keeps the accent's text contrast at WCAG AA and the notes say what it adjusted.
 */
export function SessionLookForm({ session, onChanged }: { session: SessionInfo; onChanged: () => void }) {
  const { t } = useTranslation();
  const branding = (session.branding ?? null) as Branding | null;
  const save = useMutation({
    mutationFn: async (changes: Changes) =>
      unwrap(await api.PATCH("/api/sessions/{sid}", { params: { path: { sid: session.id } }, body: changes })),
    onSuccess: onChanged,
  });
  const readOnly = session.status === "completed";
  const notes = (["light", "dark"] as const).flatMap((theme) => {
    const shade = branding?.accents?.[theme];
    if (!shade?.adjusted || !branding?.accent_color) return [];
    const params = (shade as { params?: Record<string, unknown> }).params ?? {};
    return [
      t("admin.look.adjusted", {
        theme: theme === "dark" ? t("present.darkTheme") : t("present.lightTheme"),
        colour: branding.accent_color,
        drawn: shade.accent,
        ratio: params.ratio,
        needed: params.needed,
      }),
    ];
  });
  return (
    <section className="panel session-look" aria-labelledby="look-title">
      <h2 id="look-title">{t("admin.look.title")}</h2>
      <fieldset disabled={readOnly || save.isPending} className="look-fields">
        <label>
          {t("admin.look.language")}
          <select
            value={session.language ?? ""}
            onChange={(e) => save.mutate({ language: isLanguage(e.target.value) ? e.target.value : null })}
          >
            <option value="">{t("admin.look.languageEach")}</option>
            {LANGUAGES.map((language) => (
              <option key={language} value={language} lang={language}>
                {LANGUAGE_NAMES[language]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("admin.look.theme")}
          <select
            value={branding?.theme ?? ""}
            onChange={(e) => save.mutate({ theme: (e.target.value || null) as Theme | null })}
          >
            <option value="">{t("admin.look.themeDefault")}</option>
            <option value="light">{t("present.lightTheme")}</option>
            <option value="dark">{t("present.darkTheme")}</option>
          </select>
        </label>
        <div className="look-accent">
          <label>
            {t("admin.look.accent")}
            <input
              type="color"
              value={branding?.accent_color ?? "#4338ca"}
              onChange={(e) => save.mutate({ accent_color: e.target.value })}
            />
          </label>
          {branding?.accent_color && (
            <button type="button" className="small" onClick={() => save.mutate({ accent_color: null })}>
              {t("admin.look.accentDefault")}
            </button>
          )}
        </div>
        <div className="look-logo">
          <span>{t("admin.look.logo")}</span>
          <ImageField
            label={t("admin.look.logoUpload")}
            removeLabel={t("admin.look.logoRemove")}
            value={branding?.logo_url}
            onChange={(url) => save.mutate({ logo_url: url })}
          />
        </div>
      </fieldset>
      {notes.length > 0 && (
        <ul className="notice look-notes" aria-live="polite">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {save.error && (
        <p role="alert" className="error">
          {failureMessage(save.error)}
        </p>
      )}
    </section>
  );
}
