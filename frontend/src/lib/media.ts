import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type MediaInfo = components["schemas"]["MediaOut"];

/** The image types the server takes (it checks the content, not the name, and re-encodes). */
export const IMAGE_TYPES = "image/png,image/jpeg,image/webp,image/gif";

/** Uploads an image as the presenter (the file's bytes are the body) and returns where it is served. */
export async function uploadImage(file: Blob): Promise<MediaInfo> {
  const result = await api.POST("/api/media", {
    body: file as unknown as string,
    bodySerializer: (b: unknown) => b as Blob,
    headers: { "Content-Type": file.type || "application/octet-stream" }, // the login cookie
  });
  return unwrap(result);
}
