/**
 * The control of caja_core.ui's `ordering` hint: a numbered list of a fixed set of items that a
 * participant puts in order. An item moves by dragging its handle (a finger, a mouse, or the
 * keyboard: Space or Enter to pick it up, the arrows, Space or Enter to drop it) or with its
 * move-up and move-down buttons; every move is announced to screen readers. It serves any type
 * whose answer schema uses the hint, the built-in ranking as much as a third party's.
 *
 * Dragging is @dnd-kit's: its pointer sensor (mouse and touch alike; the handle is
 * `touch-action: none`, so a finger on it drags while the rest of the row still scrolls the
 * page) and its keyboard sensor with live-region announcements.
 */
import {
  closestCenter,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import { restrictToVerticalAxis } from "@dnd-kit/modifiers";
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { FieldProps, RJSFSchema } from "@rjsf/utils";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The values an ordering puts in order, with their labels: `items.enum` or `items.oneOf` consts. */
export function orderingChoices(items: RJSFSchema | undefined): { value: string; label: string }[] {
  if (!items) return [];
  if (Array.isArray(items.oneOf)) {
    return items.oneOf.filter(isObject).map((o) => ({ value: String(o.const), label: String(o.title ?? o.const) }));
  }
  if (Array.isArray(items.enum)) return items.enum.map((v) => ({ value: String(v), label: String(v) }));
  return [];
}

/** `order` if it holds each choice once, else the choices as given. */
export function completeOrder(order: unknown, choices: string[]): string[] {
  if (Array.isArray(order) && order.length === choices.length && choices.every((c) => order.includes(c))) {
    return order.map(String);
  }
  return choices;
}

const REDUCED_MOTION = "(prefers-reduced-motion: reduce)";

/** Whether the reader asked for less motion (then nothing slides or flies back into place). */
function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia?.(REDUCED_MOTION);
      query?.addEventListener("change", changed);
      return () => query?.removeEventListener("change", changed);
    },
    () => window.matchMedia?.(REDUCED_MOTION).matches ?? false,
    () => false,
  );
}

function Grip() {
  return (
    <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
      {[5, 10, 15].flatMap((y) => [7, 13].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.7" fill="currentColor" />))}
    </svg>
  );
}

type Direction = "up" | "down";

interface RowProps {
  value: string;
  label: string;
  /** The number shown: where the item is, or would land while another one is dragged. */
  rank: number;
  first: boolean;
  last: boolean;
  locked: boolean;
  reducedMotion: boolean;
  registerButton: (key: string, el: HTMLButtonElement | null) => void;
  onMove: (direction: Direction) => void;
}

function OrderingRow({ value, label, rank, first, last, locked, reducedMotion, registerButton, onMove }: RowProps) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: value,
    disabled: locked,
    transition: reducedMotion ? null : undefined,
    attributes: { roleDescription: t("forms.dragRole") },
  });
  return (
    <li
      ref={setNodeRef}
      className={isDragging ? "ordering-item ordering-slot" : "ordering-item"}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <button
        type="button"
        className="ordering-handle"
        ref={setActivatorNodeRef}
        {...attributes}
        {...listeners}
        aria-disabled={locked ? true : undefined}
        aria-label={t("forms.dragItem", { item: label })}
      >
        <Grip />
      </button>
      <span className="ordering-rank" aria-hidden="true">
        {rank}
      </span>
      <span className="ordering-label">
        <bdi>{label}</bdi>
      </span>
      {(["up", "down"] as const).map((direction) => {
        const at = direction === "up" ? first : last;
        return (
          <button
            key={direction}
            type="button"
            className="icon"
            ref={(el) => registerButton(`${value}|${direction}`, el)}
            // aria-disabled, not disabled: a button reaching the end keeps the focus.
            aria-disabled={at || locked ? true : undefined}
            aria-label={t(direction === "up" ? "forms.moveItemUp" : "forms.moveItemDown", { item: label })}
            onClick={() => onMove(direction)}
          >
            {direction === "up" ? "↑" : "↓"}
          </button>
        );
      })}
    </li>
  );
}

/** What follows the pointer while an item is dragged: a lifted picture of its row. */
function LiftedRow({ label, rank, keyboard }: { label: string; rank: number; keyboard: boolean }) {
  return (
    <div className={keyboard ? "ordering-item ordering-lifted keyboard" : "ordering-item ordering-lifted"} aria-hidden="true">
      <span className="ordering-handle">
        <Grip />
      </span>
      <span className="ordering-rank">{rank}</span>
      <span className="ordering-label">
        <bdi>{label}</bdi>
      </span>
      <span className="button icon">↑</span>
      <span className="button icon">↓</span>
    </div>
  );
}

interface Drag {
  id: string;
  over: string | null;
  keyboard: boolean;
}

export function OrderingField({ schema, formData, onChange, fieldPathId, registry, title, name, disabled, readonly, rawErrors }: FieldProps) {
  const { t } = useTranslation();
  const items = schema.items && !Array.isArray(schema.items) && typeof schema.items === "object" ? (schema.items as RJSFSchema) : undefined;
  const choices = orderingChoices(items ? registry.schemaUtils.retrieveSchema(items) : undefined);
  const labels = new Map(choices.map((c) => [c.value, c.label]));
  const order = completeOrder(formData, choices.map((c) => c.value));
  const [announcement, setAnnouncement] = useState("");
  const [drag, setDrag] = useState<Drag | null>(null);
  const reducedMotion = usePrefersReducedMotion();
  const sensors = useSensors(
    // A few pixels of travel before a drag starts, so a tap on the handle is only a tap.
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const focusAfterMove = useRef<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const path = fieldPathId.path;
  const key = order.join("\u0000");
  useEffect(() => {
    if (!Array.isArray(formData) || formData.join("\u0000") !== key) onChange(key ? key.split("\u0000") : [], path);
  }, [formData, key, onChange, path]);
  useEffect(() => {
    // Moving a list element drops its focus in some browsers: give it back to the button used.
    const target = focusAfterMove.current && buttons.current.get(focusAfterMove.current);
    if (target && document.activeElement !== target) target.focus();
    focusAfterMove.current = null;
  });
  const legend = title ?? schema.title ?? name;
  const locked = Boolean(disabled || readonly);
  const labelOf = (id: UniqueIdentifier) => labels.get(String(id)) ?? String(id);
  const numberOf = (id: UniqueIdentifier) => order.indexOf(String(id)) + 1;
  const total = order.length;
  const move = (index: number, direction: Direction) => {
    const to = index + (direction === "up" ? -1 : 1);
    if (locked || to < 0 || to >= order.length) return;
    const next = arrayMove(order, index, to);
    focusAfterMove.current = `${order[index]}|${direction}`;
    setAnnouncement(t("forms.movedTo", { item: labelOf(order[index]!), position: to + 1, total }));
    onChange(next, path);
  };
  // Read out by @dnd-kit's own live region; the order is the one before the drop, so the
  // item under the dragged one is where it lands. A drag starts over its own slot: that
  // "over" would cut "picked up" short, so only a change of slot is said.
  const announcedOver = useRef<UniqueIdentifier | null>(null);
  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      announcedOver.current = active.id;
      return t("forms.dragStarted", { item: labelOf(active.id), position: numberOf(active.id), total });
    },
    onDragOver: ({ active, over }) => {
      if (!over || over.id === announcedOver.current) return undefined;
      announcedOver.current = over.id;
      return t("forms.dragOver", { item: labelOf(active.id), position: numberOf(over.id), total });
    },
    onDragEnd: ({ active, over }) => t("forms.movedTo", { item: labelOf(active.id), position: numberOf(over?.id ?? active.id), total }),
    onDragCancel: ({ active }) => t("forms.dragCancelled", { item: labelOf(active.id), position: numberOf(active.id), total }),
  };
  const onDragStart = ({ active, activatorEvent }: DragStartEvent) =>
    setDrag({ id: String(active.id), over: String(active.id), keyboard: activatorEvent instanceof KeyboardEvent });
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDrag(null);
    if (locked || !over || over.id === active.id) return;
    onChange(arrayMove(order, order.indexOf(String(active.id)), order.indexOf(String(over.id))), path);
  };
  // While dragging, the numbers say where each item would be after the drop.
  const preview = drag?.over ? arrayMove(order, order.indexOf(drag.id), order.indexOf(drag.over)) : order;
  const rankOf = (value: string) => preview.indexOf(value) + 1;
  return (
    <fieldset className="ordering" aria-invalid={rawErrors?.length ? true : undefined}>
      {/* bdi: a question in another script than the page's keeps its own direction */}
      <legend>
        <bdi>{legend}</bdi>
      </legend>
      {schema.description && (
        <p className="field-description">
          <bdi>{schema.description}</bdi>
        </p>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        modifiers={[restrictToVerticalAxis]}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t("forms.dragInstructions") } }}
        onDragStart={onDragStart}
        onDragOver={({ over }) => setDrag((d) => d && { ...d, over: over ? String(over.id) : null })}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDrag(null)}
      >
        <SortableContext items={order} strategy={verticalListSortingStrategy} disabled={locked}>
          <ol className="ordering-list">
            {order.map((value, i) => (
              <OrderingRow
                key={value}
                value={value}
                label={labelOf(value)}
                rank={rankOf(value)}
                first={i === 0}
                last={i === order.length - 1}
                locked={locked}
                reducedMotion={reducedMotion}
                registerButton={(k, el) => (el ? buttons.current.set(k, el) : buttons.current.delete(k))}
                onMove={(direction) => move(i, direction)}
              />
            ))}
          </ol>
        </SortableContext>
        <DragOverlay dropAnimation={reducedMotion ? null : undefined}>
          {drag && <LiftedRow label={labelOf(drag.id)} rank={rankOf(drag.id)} keyboard={drag.keyboard} />}
        </DragOverlay>
      </DndContext>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {rawErrors && rawErrors.length > 0 && (
        <ul className="error-detail">
          {rawErrors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
