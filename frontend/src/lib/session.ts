import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, languageHeaders, unwrap } from "../api/client";
import type { SessionInfo } from "../api/types";

export type { SessionInfo };

/** One session as its admin sees it (join URL, QR address). */
export function useSessionInfo(sessionId: string) {
  return useQuery({
    queryKey: ["session", sessionId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/sessions/{sid}", {
          params: { path: { sid: sessionId } },
        }),
      ),
  });
}

/** An object URL of the session's QR code (fetched with the admin's token). */
export function useQrCode(sessionId: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    fetch(`/api/sessions/${encodeURIComponent(sessionId)}/qr.svg`, { headers: languageHeaders() })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
      .then((blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: "image/svg+xml" }));
        setUrl(objectUrl);
      })
      .catch(() => setUrl(null));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [sessionId]);
  return url;
}
