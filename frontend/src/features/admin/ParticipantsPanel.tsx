import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { failureMessage } from "../../api/client";
import { useFormat } from "../../i18n/format";
import { adminApi } from "./adminApi";

/** Who is in, whether they are connected, and a kick button. */
export function ParticipantsPanel({ sessionId, readOnly = false }: { sessionId: string; readOnly?: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const key = ["participants", sessionId];
  const people = useQuery({ queryKey: key, queryFn: () => adminApi.participants(sessionId), refetchInterval: 3000 });
  const kick = useMutation({
    mutationFn: (id: string) => adminApi.kick(sessionId, id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const list = people.data ?? [];
  return (
    <section className="panel" aria-labelledby="people-title">
      <h2 id="people-title">{t("admin.participants.title", { total: list.length })}</h2>
      {kick.error && (
        <p role="alert" className="error">
          {failureMessage(kick.error)}
        </p>
      )}
      {list.length === 0 ? (
        <p className="muted">{t("admin.participants.empty")}</p>
      ) : (
        <ul className="people">
          {list.map((p) => (
            <li key={p.id}>
              <span className={`dot ${p.connection_status}`} aria-hidden="true" />
              <span className="nickname">{p.nickname}</span>
              <span className="visually-hidden">
                ({p.connection_status === "connected" ? t("admin.participants.connected") : t("admin.participants.disconnected")})
              </span>
              <time className="muted joined" dateTime={p.joined_at} title={format.dateTime(p.joined_at)}>
                {format.time(p.joined_at)}
              </time>
              {!readOnly && (
                <button type="button" className="small" aria-label={t("admin.participants.kickLabel", { nickname: p.nickname })} onClick={() => kick.mutate(p.id)}>
                  {t("admin.participants.kick")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
