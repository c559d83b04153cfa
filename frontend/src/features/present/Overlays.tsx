import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { KEY_HELP } from "./presenterKeys";

/** The join QR code, address and code in a corner while an activity runs (`q` toggles it). */
export function QrCorner({ qr, url, fullUrl, code }: { qr: string | null; url: string; fullUrl: string; code: string }) {
  const { t } = useTranslation();
  return (
    <aside className="qr-corner" data-testid="qr-corner" aria-label={t("present.joinTitle")}>
      {qr && <img src={qr} alt={t("present.qrAlt", { url: fullUrl })} />}
      <p className="qr-corner-url" dir="ltr">
        {url}
      </p>
      <p className="qr-corner-code">
        <span className="visually-hidden">{t("present.codeLabel")} </span>
        <span className="code">{code}</span>
      </p>
    </aside>
  );
}

/** `?`: what every presenter key does. Esc, `?` or the button closes it. */
export function KeyHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    return () => before?.focus?.();
  }, []);
  return (
    <div className="key-help-backdrop" onClick={onClose}>
      <div
        ref={dialog}
        className="key-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="key-help-title"
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="key-help-title">{t("present.keys.title")}</h2>
        <table>
          <tbody>
            {KEY_HELP.map((row) => (
              <tr key={row.what}>
                <td className="key-cell">
                  {row.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{t(row.what)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="present-muted key-help-note">{t("present.keys.note")}</p>
        <button type="button" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
    </div>
  );
}
