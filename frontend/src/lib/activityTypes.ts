import { useQuery } from "@tanstack/react-query";
import { api, bearer, unwrap } from "../api/client";

/** The installed activity types (name, schemas, actions). */
export function useActivityTypes(token: string | null) {
  return useQuery({
    queryKey: ["activity-types", token ?? ""],
    staleTime: 5 * 60_000,
    queryFn: async () =>
      unwrap(await api.GET("/api/activity-types", bearer(token))),
  });
}
