/** Small form pieces shared by the hand-made config forms. */
import type { ReactNode } from "react";

export function TextListEditor({
  legend,
  itemLabel,
  removeLabel,
  values,
  onChange,
  min = 0,
  max = 100,
  addLabel,
}: {
  legend: string;
  /** The accessible name of the n-th entry (1-based), e.g. "Card 3". */
  itemLabel: (n: number) => string;
  /** The accessible name of the n-th entry's remove button, e.g. "Remove card 3". */
  removeLabel: (n: number) => string;
  values: string[];
  onChange: (values: string[]) => void;
  min?: number;
  max?: number;
  addLabel: string;
}) {
  return (
    <fieldset className="field">
      <legend>{legend}</legend>
      <ol className="option-list">
        {values.map((v, i) => (
          <li key={i}>
            <input aria-label={itemLabel(i + 1)} value={v} onChange={(e) => onChange(values.map((x, j) => (j === i ? e.target.value : x)))} />
            <button
              type="button"
              className="icon"
              aria-label={removeLabel(i + 1)}
              disabled={values.length <= min}
              onClick={() => onChange(values.filter((_, j) => j !== i))}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <button type="button" disabled={values.length >= max} onClick={() => onChange([...values, ""])}>
        {addLabel}
      </button>
    </fieldset>
  );
}

export function Check({ checked, onChange, children }: { checked: boolean; onChange: (v: boolean) => void; children: ReactNode }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {children}
    </label>
  );
}

export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  optional = false,
}: {
  label: string;
  value: number | null | undefined;
  onChange: (v: number | null) => void;
  min?: number;
  max?: number;
  optional?: boolean;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={min}
        max={max}
        value={value ?? ""}
        required={!optional}
        onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}
      />
    </label>
  );
}
