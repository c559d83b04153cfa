import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { adminApi } from "./adminApi";

/** Who is in, whether they are connected, and a kick button. */
export function ParticipantsPanel({ sessionId }: { sessionId: string }) {
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
      <h2 id="people-title">Participants ({list.length})</h2>
      {kick.error && (
        <p role="alert" className="error">
          {kick.error.message}
        </p>
      )}
      {list.length === 0 ? (
        <p className="muted">Nobody has joined yet.</p>
      ) : (
        <ul className="people">
          {list.map((p) => (
            <li key={p.id}>
              <span className={`dot ${p.connection_status}`} aria-hidden="true" />
              <span className="nickname">{p.nickname}</span>
              <span className="visually-hidden">({p.connection_status})</span>
              <button type="button" className="small" aria-label={`Remove ${p.nickname}`} onClick={() => kick.mutate(p.id)}>
                Kick
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
