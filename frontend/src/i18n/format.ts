/** Numbers, percentages, dates and times in the language shown (Intl, cached per language). */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(language: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${language}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(language, options);
    cache.set(key, format);
  }
  return format;
}

function dateFormat(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${language}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(language, options);
    cache.set(key, format);
  }
  return format;
}

export interface Formatters {
  /** A count or a score: whole numbers as they are, others to one decimal. */
  number: (value: number) => string;
  /** A percentage given as 0-100, rounded to a whole percent. */
  percent: (value: number) => string;
  /** A date and time, e.g. in an admin list. */
  dateTime: (iso: string) => string;
  /** A time of day. */
  time: (iso: string) => string;
}

/** Formatters for one language. */
export function formatters(language: string): Formatters {
  const whole = numberFormat(language, { maximumFractionDigits: 1 });
  const percent = numberFormat(language, { style: "percent", maximumFractionDigits: 0 });
  const dateTime = dateFormat(language, { dateStyle: "medium", timeStyle: "short" });
  const time = dateFormat(language, { timeStyle: "short" });
  const date = (iso: string, f: Intl.DateTimeFormat) => {
    const parsed = Date.parse(iso);
    return Number.isNaN(parsed) ? "" : f.format(parsed);
  };
  return {
    number: (value) => whole.format(value),
    percent: (value) => percent.format(value / 100),
    dateTime: (iso) => date(iso, dateTime),
    time: (iso) => date(iso, time),
  };
}

/** The formatters of the language shown now (re-rendered when it changes). */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useMemo(() => formatters(language), [language]);
}
