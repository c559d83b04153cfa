import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { activityUI } from "../../activities/registry";
import { ApiError, failureMessage } from "../../api/client";
import type { ActivityTypeInfo } from "../../api/types";
import { adminApi, type ActivityInfo } from "./adminApi";

/** Add or edit an activity: type, title, time limit and the type's own config form. */
export function ActivityForm({
  sessionId,
  types,
  existing,
  onDone,
  onCancel,
}: {
  sessionId: string;
  types: ActivityTypeInfo[];
  existing?: ActivityInfo;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [type, setType] = useState(existing?.type ?? types[0]?.name ?? "");
  const typeInfo = types.find((t) => t.name === type);
  const ui = activityUI(type, typeInfo);
  const [title, setTitle] = useState(existing?.title ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [timeout, setTimeoutSeconds] = useState<string>(existing?.timeout_seconds ? String(existing.timeout_seconds) : "");
  const [config, setConfig] = useState<Record<string, unknown>>(existing?.config ?? ui.initialConfig());
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);

  const save = async (resetAnswers = false) => {
    setBusy(true);
    setError(null);
    const draft = {
      type,
      title: title.trim(),
      description: description.trim() || null,
      config,
      timeout_seconds: timeout ? Number(timeout) : null,
    };
    try {
      if (existing) {
        const { type: _type, ...changes } = draft;
        await adminApi.updateActivity(sessionId, existing.id, changes, resetAnswers);
      } else {
        await adminApi.addActivity(sessionId, draft);
      }
      onDone();
    } catch (err) {
      setError(failureMessage(err));
      setConflict(err instanceof ApiError && err.status === 409 && !!existing);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };

  return (
    <form className="activity-form panel inset" onSubmit={submit} aria-label={existing ? t("admin.activityForm.editLabel") : t("admin.activityForm.newLabel")}>
      <h3>{existing ? t("admin.activityForm.editTitle", { title: existing.title }) : t("admin.activityForm.newLabel")}</h3>
      {!existing && (
        <label className="field">
          <span>{t("admin.activityForm.type")}</span>
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setConfig(activityUI(e.target.value, types.find((t) => t.name === e.target.value)).initialConfig());
            }}
          >
            {types.map((t) => (
              <option key={t.name} value={t.name}>
                {t.title}
              </option>
            ))}
          </select>
        </label>
      )}
      {!existing && typeInfo?.description && <p className="muted">{typeInfo.description}</p>}
      <label className="field">
        <span>{t("admin.activityForm.title")}</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required />
      </label>
      <label className="field">
        <span>{t("admin.activityForm.description")}</span>
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={5000} />
      </label>
      <label className="field">
        <span>{t("admin.activityForm.timeout")}</span>
        <input type="number" min={1} max={86400} value={timeout} onChange={(e) => setTimeoutSeconds(e.target.value)} />
      </label>
      {typeInfo && <ui.Configure value={config} onChange={setConfig} typeInfo={typeInfo} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={busy || !type}>
          {existing ? t("admin.activityForm.save") : t("admin.activityForm.add")}
        </button>
        {conflict && (
          <button type="button" className="danger" onClick={() => void save(true)}>
            {t("admin.activityForm.saveAndReset")}
          </button>
        )}
        <button type="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
