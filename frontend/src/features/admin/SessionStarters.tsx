import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { failureMessage } from "../../api/client";
import { adminApi, definitionFormat, type TemplateInfo } from "./adminApi";
import "./reuse.css";

/** Ways to start a session other than from nothing: a shipped template or a definition file. */
export function SessionStarters() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const templates = useQuery({ queryKey: ["templates"], queryFn: () => adminApi.templates() });
  const opened = (id: string) => {
    void queryClient.invalidateQueries({ queryKey: ["sessions"] });
    navigate(`/admin/sessions/${id}`);
  };
  const fromTemplate = useMutation({ mutationFn: (id: string) => adminApi.fromTemplate(id), onSuccess: (s) => opened(s.id) });
  return (
    <div className="starters">
      <section className="panel" aria-labelledby="templates-title">
        <h2 id="templates-title">{t("admin.reuse.templatesTitle")}</h2>
        {templates.error && (
          <p role="alert" className="error">
            {failureMessage(templates.error)}
          </p>
        )}
        <ul className="template-list">
          {(templates.data ?? []).map((template) => (
            <TemplateCard
              key={template.id}
              template={template}
              busy={fromTemplate.isPending}
              onUse={() => fromTemplate.mutate(template.id)}
            />
          ))}
        </ul>
        {fromTemplate.error && (
          <p role="alert" className="error">
            {failureMessage(fromTemplate.error)}
          </p>
        )}
      </section>
      <ImportDefinition onImported={opened} />
    </div>
  );
}

function TemplateCard({ template, busy, onUse }: { template: TemplateInfo; busy: boolean; onUse: () => void }) {
  const { t } = useTranslation();
  return (
    <li className="template-card">
      <h3>{template.name}</h3>
      {template.description && <p className="muted">{template.description}</p>}
      <p className="muted small">{template.activities.map((a) => a.title).join(" · ")}</p>
      {!template.available && (
        <p className="muted small">{t("admin.reuse.templateMissing", { types: template.missing_types.join(", ") })}</p>
      )}
      <button
        type="button"
        onClick={onUse}
        disabled={busy || !template.available}
        aria-label={t("admin.reuse.useTemplateLabel", { name: template.name })}
      >
        {t("admin.reuse.useTemplate")}
      </button>
    </li>
  );
}

/** Upload a session definition (JSON or YAML); the server creates nothing if any part is wrong. */
function ImportDefinition({ onImported }: { onImported: (sessionId: string) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const importer = useMutation({
    mutationFn: async (file: File) => {
      const format = definitionFormat(file.name) ?? (file.type.includes("json") ? "json" : "yaml");
      return adminApi.importDefinition(await file.text(), format);
    },
    onSuccess: (s) => onImported(s.id),
    onSettled: () => {
      if (input.current) input.current.value = "";
    },
  });
  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">{t("admin.reuse.importTitle")}</h2>
      <p className="muted">{t("admin.reuse.importHint")}</p>
      <label className="field">
        <span>{t("admin.reuse.importFile")}</span>
        <input
          ref={input}
          type="file"
          accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
          disabled={importer.isPending}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) importer.mutate(file);
          }}
        />
      </label>
      {importer.isPending && <p className="muted">{t("admin.reuse.importing")}</p>}
      {importer.error && (
        <p role="alert" className="error import-error">
          {failureMessage(importer.error)}
        </p>
      )}
    </section>
  );
}
