import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { failureMessage } from "../api/client";
import { IMAGE_TYPES, uploadImage } from "../lib/media";
import "../components/media.css";

/**
 * An optional picture for a poll option or quiz question: pick a file, it is uploaded at once
 * (the server checks and re-encodes it) and its URL becomes the config's `image_url`.
 */
export function ImageField({
  label,
  removeLabel,
  value,
  onChange,
}: {
  /** The accessible name of the file picker, e.g. "Image for option 2". */
  label: string;
  removeLabel: string;
  value: string | null | undefined;
  onChange: (url: string | null) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // An upload ends later: by then the form may have changed (text typed, another upload done),
  // so the URL goes to the newest onChange, which knows the newest config.
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  if (value) {
    return (
      <span className="image-field">
        <img src={value} alt="" className="image-thumb" data-testid="image-thumb" />
        <button type="button" className="icon" aria-label={removeLabel} onClick={() => onChange(null)}>
          ✕
        </button>
      </span>
    );
  }
  return (
    <span className="image-field">
      <label className={busy ? "button small image-pick busy" : "button small image-pick"}>
        <input
          type="file"
          className="visually-hidden"
          accept={IMAGE_TYPES}
          aria-label={label}
          disabled={busy}
          onChange={async (e) => {
            const input = e.currentTarget;
            const file = input.files?.[0];
            if (!file) return;
            setBusy(true);
            setError(null);
            try {
              const { url } = await uploadImage(file);
              latest.current(url);
            } catch (err) {
              setError(failureMessage(err));
            } finally {
              setBusy(false);
              input.value = "";
            }
          }}
        />
        <span aria-hidden="true">{busy ? t("media.uploading") : t("media.addImage")}</span>
      </label>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </span>
  );
}
