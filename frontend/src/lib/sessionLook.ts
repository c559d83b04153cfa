/**
 * A session's language and branding, as its presenter set them (PATCH /api/sessions/{sid}).
 *
 * The server checks the accent colour's contrast (WCAG AA, caja_core/branding.py) and sends,
 * for each theme, the shade to draw and the text colour on it; this only applies them as the
 * CSS variables `--accent`, `--accent-text` and `--accent-soft`.
 */
import { useEffect, type CSSProperties } from "react";
import { useSessionLanguage } from "../i18n";
import type { SessionLanguageMode } from "../i18n/preference";

export type Theme = "light" | "dark";

export interface AccentShade {
  accent: string;
  accent_text: string;
  adjusted?: boolean;
  note?: string | null;
}

export interface Branding {
  accent_color?: string | null;
  logo_url?: string | null;
  theme?: Theme | null;
  accents?: Partial<Record<Theme, AccentShade>> | null;
}

interface LookSource {
  language?: string | null;
  branding?: unknown;
}

function brandingOf(session: LookSource | null | undefined): Branding | null {
  const b = session?.branding;
  return b && typeof b === "object" ? (b as Branding) : null;
}

/** The CSS variables of a session's accent on one theme (empty: the default look). */
export function accentStyle(branding: Branding | null, theme: Theme): CSSProperties {
  const shade = branding?.accents?.[theme];
  if (!shade) return {};
  return {
    "--accent": shade.accent,
    "--accent-text": shade.accent_text,
    // A tint for highlighted rows: text (--text) on it keeps its contrast on either theme.
    "--accent-soft": `color-mix(in srgb, ${shade.accent} 16%, var(--surface))`,
  } as CSSProperties;
}

/**
 * The look of the session a view shows: its language applies while the view is mounted (the
 * big screen always speaks it; a phone unless its reader chose another language), and its
 * theme, accent and logo are returned for the view to draw. With `applyToPage` (the phone)
 * the theme and accent go on the whole page (`<html data-theme>`), so its background follows.
 */
export function useSessionLook(
  session: LookSource | null | undefined,
  mode: SessionLanguageMode,
  applyToPage = false,
): { branding: Branding | null; theme: Theme | null; logoUrl: string | null } {
  useSessionLanguage(session?.language, mode);
  const branding = brandingOf(session);
  const theme = branding?.theme ?? null;
  const light = branding?.accents?.light?.accent ?? "";
  const dark = branding?.accents?.dark?.accent ?? "";
  useEffect(() => {
    const root = globalThis.document?.documentElement;
    if (!applyToPage || !root) return;
    const shown: Theme = theme ?? "light";
    if (theme) root.dataset.theme = theme;
    const style = accentStyle(branding, shown) as Record<string, string>;
    for (const [name, value] of Object.entries(style)) root.style.setProperty(name, value);
    return () => {
      delete root.dataset.theme;
      for (const name of Object.keys(style)) root.style.removeProperty(name);
    };
    // The shades are strings: re-apply only when one of them (or the theme) changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [applyToPage, theme, light, dark]);
  return { branding, theme, logoUrl: branding?.logo_url ?? null };
}
