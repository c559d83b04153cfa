/**
 * A participant's identity, kept in localStorage per session so a reload keeps the same
 * participant. The join code maps to the session id so `/join/{code}` finds it again.
 */

export interface ParticipantIdentity {
  sessionId: string;
  participantId: string;
  nickname: string;
  token: string;
  joinCode: string;
}

const key = (sessionId: string) => `caja.participant.${sessionId}`;
const codeKey = (joinCode: string) => `caja.join.${joinCode.toUpperCase()}`;

export function saveIdentity(identity: ParticipantIdentity): void {
  localStorage.setItem(key(identity.sessionId), JSON.stringify(identity));
  localStorage.setItem(codeKey(identity.joinCode), identity.sessionId);
}

export function loadIdentityByCode(joinCode: string): ParticipantIdentity | null {
  const sessionId = localStorage.getItem(codeKey(joinCode));
  if (!sessionId) return null;
  const raw = localStorage.getItem(key(sessionId));
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as ParticipantIdentity;
    return parsed.token ? parsed : null;
  } catch {
    return null;
  }
}

export function forgetIdentity(identity: ParticipantIdentity): void {
  localStorage.removeItem(key(identity.sessionId));
  localStorage.removeItem(codeKey(identity.joinCode));
}
