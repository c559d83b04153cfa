import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { failureMessage } from "../../api/client";
import { useFormat } from "../../i18n/format";
import type { SessionInfo } from "../../lib/session";
import { adminApi } from "./adminApi";
import { SessionStarters } from "./SessionStarters";

export function SessionList() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: () => adminApi.listSessions() });
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: (n: string) => adminApi.createSession(n),
    onSuccess: (s) => {
      void queryClient.invalidateQueries({ queryKey: ["sessions"] });
      navigate(`/admin/sessions/${s.id}`);
    },
  });
  return (
    <main className="page">
      <h1>{t("admin.sessions.title")}</h1>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate(name.trim());
        }}
      >
        <label className="field grow">
          <span>{t("admin.sessions.newName")}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t("admin.sessions.create")}
        </button>
      </form>
      {create.error && (
        <p role="alert" className="error">
          {failureMessage(create.error)}
        </p>
      )}
      <SessionStarters />
      <h2>{t("admin.sessions.yours")}</h2>
      {sessions.isLoading ? (
        <p className="muted">{t("common.loading")}</p>
      ) : sessions.error ? (
        <p role="alert" className="error">
          {failureMessage(sessions.error)}
        </p>
      ) : sessions.data?.length ? (
        <ul className="session-list">
          {sessions.data.map((s) => (
            <SessionRow key={s.id} session={s} />
          ))}
        </ul>
      ) : (
        <p className="muted">{t("admin.sessions.empty")}</p>
      )}
    </main>
  );
}

function SessionRow({ session }: { session: SessionInfo }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(session.name);
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["sessions"] });
  const rename = useMutation({
    mutationFn: () => adminApi.renameSession(session.id, name.trim()),
    onSuccess: () => {
      setRenaming(false);
      void refresh();
    },
  });
  const remove = useMutation({ mutationFn: () => adminApi.deleteSession(session.id), onSuccess: () => void refresh() });
  const navigate = useNavigate();
  const duplicate = useMutation({
    mutationFn: () => adminApi.duplicate(session.id),
    onSuccess: (copy) => {
      void refresh();
      navigate(`/admin/sessions/${copy.id}`);
    },
  });
  return (
    <li className="session-row">
      {renaming ? (
        <form
          className="inline-form grow"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) rename.mutate();
          }}
        >
          <label className="field grow">
            <span className="visually-hidden">{t("admin.sessions.name")}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus />
          </label>
          <button type="submit" className="primary">
            {t("common.save")}
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            {t("common.cancel")}
          </button>
        </form>
      ) : (
        <>
          <Link to={`/admin/sessions/${session.id}`} className="session-name grow">
            {session.name}
          </Link>
          <time className="muted" dateTime={session.created_at}>
            {t("admin.sessions.created", { when: format.dateTime(session.created_at) })}
          </time>
          <span className={`badge ${session.status}`}>{t(`admin.sessionStatus.${session.status}`)}</span>
          <span className="code">{session.join_code}</span>
          {session.status !== "completed" && (
            <button type="button" onClick={() => setRenaming(true)} aria-label={t("admin.sessions.renameLabel", { name: session.name })}>
              {t("admin.sessions.rename")}
            </button>
          )}
          <button
            type="button"
            onClick={() => duplicate.mutate()}
            disabled={duplicate.isPending}
            aria-label={t("admin.reuse.duplicateLabel", { name: session.name })}
          >
            {t("admin.reuse.duplicate")}
          </button>
          {confirming ? (
            <>
              <button type="button" className="danger" onClick={() => remove.mutate()}>
                {t("admin.sessions.confirmDelete")}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {t("admin.sessions.keep")}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirming(true)} aria-label={t("admin.sessions.deleteLabel", { name: session.name })}>
              {t("common.delete")}
            </button>
          )}
        </>
      )}
      {(rename.error ?? remove.error ?? duplicate.error) && (
        <p role="alert" className="error">
          {failureMessage(rename.error ?? remove.error ?? duplicate.error)}
        </p>
      )}
    </li>
  );
}
