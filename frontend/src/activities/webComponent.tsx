/**
 * An activity type that ships its own web component: an ES module (served by its plugin) that
 * defines the custom element `caja-<type>`. The element gets `activity` and `mode` properties
 * and sends answers or config with `caja-answer` / `caja-config` events (detail = the data).
 */
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ActivityState } from "../api/types";
import type { ActivityUI } from "./types";

const loaded = new Map<string, Promise<unknown>>();

function loadModule(url: string): Promise<unknown> {
  let promise = loaded.get(url);
  if (!promise) {
    promise = import(/* @vite-ignore */ url);
    loaded.set(url, promise);
  }
  return promise;
}

interface HostProps {
  tag: string;
  url: string;
  mode: "configure" | "respond" | "results";
  activity?: ActivityState;
  value?: Record<string, unknown>;
  onEvent?: (name: string, detail: Record<string, unknown>) => void;
}

function WebComponentHost({ tag, url, mode, activity, value, onEvent }: HostProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement & Record<string, unknown>>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadModule(url).then(
      () => customElements.whenDefined(tag).then(() => setReady(true)),
      () => setFailed(true),
    );
  }, [url, tag]);
  useEffect(() => {
    const el = ref.current;
    if (!el || !ready) return;
    el.mode = mode;
    el.activity = activity;
    el.value = value;
  }, [ready, mode, activity, value]);
  useEffect(() => {
    const el = ref.current;
    if (!el || !onEvent) return;
    const handler = (e: Event) => onEvent(e.type, ((e as CustomEvent).detail ?? {}) as Record<string, unknown>);
    el.addEventListener("caja-answer", handler);
    el.addEventListener("caja-config", handler);
    return () => {
      el.removeEventListener("caja-answer", handler);
      el.removeEventListener("caja-config", handler);
    };
  }, [onEvent]);
  if (failed) return <p role="alert">{t("activities.webComponentFailed")}</p>;
  const Tag = tag as unknown as "div";
  return <Tag ref={ref as never} />;
}

/** The registry entry for a type with `web_component` set. */
export function webComponentUI(typeName: string, url: string): ActivityUI {
  const tag = `caja-${typeName}`;
  return {
    Configure: ({ value, onChange }) => (
      <WebComponentHost
        tag={tag}
        url={url}
        mode="configure"
        value={value}
        onEvent={(name, detail) => name === "caja-config" && onChange(detail)}
      />
    ),
    Respond: ({ activity, submit }) => (
      <WebComponentHost
        tag={tag}
        url={url}
        mode="respond"
        activity={activity}
        onEvent={(name, detail) => {
          if (name === "caja-answer") void submit(detail);
        }}
      />
    ),
    Results: ({ activity }) => <WebComponentHost tag={tag} url={url} mode="results" activity={activity} />,
  };
}
