import cloud from "d3-cloud";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { DisplayBlock } from "../../api/types";
import { useFormat } from "../../i18n/format";

type CloudBlock = Extract<DisplayBlock, { kind: "cloud" }>;

interface Placed {
  text: string;
  size: number;
  x: number;
  y: number;
  rotate: number;
}

const WIDTH = 960;
const HEIGHT = 540;
const PALETTE = ["var(--c1)", "var(--c2)", "var(--c3)", "var(--c4)", "var(--c5)"];

function fontSizes(words: CloudBlock["words"]): Map<string, number> {
  const max = Math.max(1, ...words.map((w) => w.weight));
  const min = Math.min(max, ...words.map((w) => w.weight));
  const sizes = new Map<string, number>();
  for (const w of words) {
    const t = max === min ? 1 : (w.weight - min) / (max - min);
    sizes.set(w.text, Math.round(22 + t * 88));
  }
  return sizes;
}

/**
 * A real word cloud laid out with d3-cloud (spiral placement, no overlaps). The words are also
 * listed for screen readers. Where no canvas is available the words flow as sized text.
 */
export function WordCloud({ block }: { block: CloudBlock }) {
  const { t } = useTranslation();
  const format = useFormat();
  const words = block.words;
  const sizes = useMemo(() => fontSizes(words), [words]);
  const [placed, setPlaced] = useState<Placed[] | null>(null);
  const signature = words.map((w) => `${w.text}:${w.weight}`).join("|");

  useEffect(() => {
    let cancelled = false;
    const canvas = document.createElement("canvas");
    let hasCanvas: boolean;
    try {
      hasCanvas = !!canvas.getContext("2d");
    } catch {
      hasCanvas = false;
    }
    if (!hasCanvas || words.length === 0) {
      setPlaced(null);
      return;
    }
    const layout = cloud<cloud.Word>()
      .size([WIDTH, HEIGHT])
      .canvas(() => document.createElement("canvas"))
      .words(words.map((w) => ({ text: w.text, size: sizes.get(w.text) ?? 24 })))
      .padding(4)
      .rotate((_, i) => (i % 5 === 4 ? 90 : 0))
      .font("system-ui, sans-serif")
      .fontWeight("700")
      .fontSize((d) => d.size ?? 24)
      .random(() => 0.5)
      .on("end", (out) => {
        if (cancelled) return;
        setPlaced(
          out.map((d) => ({
            text: d.text ?? "",
            size: d.size ?? 20,
            x: d.x ?? 0,
            y: d.y ?? 0,
            rotate: d.rotate ?? 0,
          })),
        );
      });
    layout.start();
    return () => {
      cancelled = true;
      layout.stop();
    };
    // The signature covers every change of the words and their weights.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);

  return (
    <figure className="block cloud">
      {block.title && <figcaption className="block-title">{block.title}</figcaption>}
      <ul className="visually-hidden" aria-label={t("blocks.words")}>
        {words.map((w) => (
          <li key={w.text}>
            {w.text}: {format.number(w.weight)}
          </li>
        ))}
      </ul>
      {words.length === 0 ? (
        <p className="muted">{t("blocks.noWords")}</p>
      ) : placed ? (
        <svg
          className="cloud-svg"
          viewBox={`${-WIDTH / 2} ${-HEIGHT / 2} ${WIDTH} ${HEIGHT}`}
          aria-hidden="true"
          data-testid="cloud-svg"
        >
          {placed.map((p, i) => (
            <text
              key={p.text}
              textAnchor="middle"
              transform={`translate(${p.x},${p.y}) rotate(${p.rotate})`}
              fontSize={p.size}
              fontWeight={700}
              fill={PALETTE[i % PALETTE.length]}
              className="cloud-word"
            >
              {p.text}
            </text>
          ))}
        </svg>
      ) : (
        <div className="cloud-flow" aria-hidden="true">
          {words.map((w, i) => (
            <span
              key={w.text}
              className="cloud-word"
              style={{ fontSize: `${(sizes.get(w.text) ?? 24) / 16}rem`, color: PALETTE[i % PALETTE.length] }}
            >
              {w.text}
            </span>
          ))}
        </div>
      )}
    </figure>
  );
}
