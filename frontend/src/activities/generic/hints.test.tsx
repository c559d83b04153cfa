/**
 * The generated forms honour caja_core.ui's hints: a slider, a long text, an ordering with
 * drag handles and move buttons, labelled choices as radio buttons — in the activity's own answer schema.
 */
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ActivityTypeInfo } from "../../api/types";
import { activity } from "../../test/fixtures";
import { activityUI } from "../registry";
import { hintUi, itemTitle, sliderStart } from "./hints";
import { completeOrder } from "./OrderingField";

const ok = () => vi.fn().mockResolvedValue({ ok: true });

const info = (answer_schema: Record<string, unknown>, config_schema: Record<string, unknown> = { type: "object" }) =>
  ({
    name: "hinted",
    title: "Hinted",
    description: "",
    plugin: { name: "hinted", distribution: null, version: null },
    actions: [],
    web_component: null,
    language: "en",
    config_schema,
    answer_schema,
  }) satisfies ActivityTypeInfo;

function respond(answerSchema: Record<string, unknown>) {
  const submit = ok();
  const { Respond } = activityUI("hinted", info({ type: "object" }));
  // the activity's own schema (made for its config) wins over the type's generic one
  render(<Respond activity={activity({ type: "hinted", answer_schema: answerSchema })} typeInfo={info({ type: "object" })} submit={submit} secondsLeft={null} />);
  return submit;
}

const orderingSchema = () => ({
  type: "object",
  properties: {
    order: {
      type: "array",
      title: "Your order",
      "x-caja-widget": "ordering",
      items: { type: "string", oneOf: [
        { const: "a", title: "Apples" },
        { const: "b", title: "Bread" },
        { const: "c", title: "Cheese" },
      ] },
      minItems: 3,
      maxItems: 3,
      uniqueItems: true,
    },
  },
  required: ["order"],
});

const labelsOf = (group: HTMLElement) => Array.from(group.querySelectorAll(".ordering-list .ordering-label")).map((e) => e.textContent);
const ranks = (group: HTMLElement) => Array.from(group.querySelectorAll(".ordering-list .ordering-rank")).map((e) => e.textContent);

/**
 * jsdom lays nothing out and has no PointerEvent; @dnd-kit measures rows and listens for
 * pointer events. Rows here are 50 px high, 70 px apart, in list order (a lifted copy sits
 * where its row's slot is); pointer events are mouse events with the pointer's fields.
 */
function layOutRows(): () => void {
  const measure = Element.prototype.getBoundingClientRect;
  const hadPointerEvent = "PointerEvent" in window;
  Element.prototype.getBoundingClientRect = function (this: Element) {
    let row = this.closest(".ordering-item") ?? this.querySelector(".ordering-lifted");
    if (row && !row.parentElement?.classList.contains("ordering-list")) row = document.querySelector(".ordering-slot");
    if (!row) return measure.call(this);
    const index = Array.from(row.parentElement!.children).indexOf(row);
    return new DOMRect(0, index * 60, 300, 50);
  };
  if (!hadPointerEvent) {
    window.PointerEvent = class extends MouseEvent {
      readonly isPrimary: boolean;
      readonly pointerId = 1;
      readonly pointerType = "mouse";
      constructor(type: string, init: PointerEventInit = {}) {
        super(type, init);
        this.isPrimary = init.isPrimary ?? false;
      }
    } as unknown as typeof PointerEvent;
  }
  return () => {
    Element.prototype.getBoundingClientRect = measure;
    if (!hadPointerEvent) delete (window as { PointerEvent?: unknown }).PointerEvent;
  };
}

describe("form hints", () => {
  it("draws a slider with its value and labelled ends, starting in the middle", async () => {
    const submit = respond({
      type: "object",
      properties: {
        value: {
          type: "integer",
          title: "Your rating",
          "x-caja-widget": "slider",
          "x-caja-step": 1,
          minimum: 1,
          maximum: 5,
          "x-caja-labels": ["Poor", "Great"],
        },
      },
      required: ["value"],
    });
    const slider = await screen.findByRole("slider", { name: /^Your rating/ });
    expect(slider).toHaveAttribute("min", "1");
    expect(slider).toHaveAttribute("max", "5");
    expect(slider).toHaveValue("3");
    expect(screen.getByTestId("slider-value")).toHaveTextContent("3");
    expect(screen.getByText("Poor")).toBeInTheDocument();
    expect(screen.getByText("Great")).toBeInTheDocument();
    fireEvent.change(slider, { target: { value: "5" } });
    expect(slider).toHaveAttribute("aria-valuetext", "5, Great");
    expect(screen.getByTestId("slider-value")).toHaveTextContent("5");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(submit).toHaveBeenCalledWith({ value: 5 }));
  });

  it("orders a fixed set of items with move buttons and sends the permutation", async () => {
    const submit = respond(orderingSchema());
    const group = await screen.findByRole("group", { name: /^Your order/ });
    expect(labelsOf(group)).toEqual(["Apples", "Bread", "Cheese"]);
    const down = screen.getByRole("button", { name: "Move “Apples” down" });
    await userEvent.click(down);
    await userEvent.click(down);
    expect(down).toHaveFocus(); // the focus follows the item
    expect(down).toHaveAttribute("aria-disabled", "true"); // at the bottom now
    expect(screen.getByText("“Apples” is now number 3 of 3")).toBeInTheDocument();
    // from the keyboard: Cheese up
    screen.getByRole("button", { name: "Move “Cheese” up" }).focus();
    await userEvent.keyboard("{Enter}");
    expect(labelsOf(group)).toEqual(["Cheese", "Bread", "Apples"]);
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(submit).toHaveBeenCalledWith({ order: ["c", "b", "a"] }));
  });

  it("reorders by dragging an item's handle with a pointer, numbering where it would land", async () => {
    const restore = layOutRows();
    try {
      const submit = respond(orderingSchema());
      const group = await screen.findByRole("group", { name: /^Your order/ });
      const handle = screen.getByRole("button", { name: "Drag “Apples”" });
      expect(handle).toHaveAttribute("aria-roledescription", "draggable");
      // the keyboard instructions describe the handle
      expect(document.getElementById(handle.getAttribute("aria-describedby")!)).toHaveTextContent(/Space or Enter to pick the item up/);
      // Apples (row 0, y 0–50) onto Cheese (row 2, y 120–170)
      fireEvent.pointerDown(handle, { isPrimary: true, button: 0, clientX: 20, clientY: 25 });
      fireEvent.pointerMove(document, { isPrimary: true, clientX: 20, clientY: 35 });
      await waitFor(() => expect(group.querySelector(".ordering-slot .ordering-label")).toHaveTextContent("Apples"));
      fireEvent.pointerMove(document, { isPrimary: true, clientX: 20, clientY: 145 });
      // while dragging, the lifted copy says where Apples would land and the others renumber
      await waitFor(() => expect(document.querySelector(".ordering-lifted .ordering-rank")).toHaveTextContent("3"));
      expect(ranks(group)).toEqual(["3", "1", "2"]);
      fireEvent.pointerUp(document, { isPrimary: true, clientX: 20, clientY: 145 });
      await waitFor(() => expect(labelsOf(group)).toEqual(["Bread", "Cheese", "Apples"]));
      expect(ranks(group)).toEqual(["1", "2", "3"]);
      expect(group.querySelector(".ordering-slot")).toBeNull();
      await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("“Apples” is now number 3 of 3"));
      await userEvent.click(screen.getByRole("button", { name: "Submit" }));
      await waitFor(() => expect(submit).toHaveBeenCalledWith({ order: ["b", "c", "a"] }));
    } finally {
      restore();
    }
  });

  it("reorders by picking an item up from the keyboard, and cancels with Escape", async () => {
    const restore = layOutRows();
    try {
      const submit = respond(orderingSchema());
      const group = await screen.findByRole("group", { name: /^Your order/ });
      const handle = screen.getByRole("button", { name: "Drag “Cheese”" });
      handle.focus();
      await userEvent.keyboard(" ");
      await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Picked up “Cheese”, number 3 of 3"));
      await userEvent.keyboard("{ArrowUp}");
      await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("“Cheese” would be number 2 of 3"));
      await userEvent.keyboard("{Escape}");
      await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Move cancelled: “Cheese” is back at number 3 of 3"));
      expect(labelsOf(group)).toEqual(["Apples", "Bread", "Cheese"]);
      // again, two up, and drop
      screen.getByRole("button", { name: "Drag “Cheese”" }).focus();
      await userEvent.keyboard(" ");
      await waitFor(() => expect(document.querySelector(".ordering-lifted.keyboard")).not.toBeNull());
      await userEvent.keyboard("{ArrowUp}");
      await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("number 2 of 3"));
      await userEvent.keyboard("{ArrowUp}");
      await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("number 1 of 3"));
      await userEvent.keyboard(" ");
      await waitFor(() => expect(labelsOf(group)).toEqual(["Cheese", "Apples", "Bread"]));
      // the focus comes back to the moved item's handle
      await waitFor(() => expect(screen.getByRole("button", { name: "Drag “Cheese”" })).toHaveFocus());
      await userEvent.click(screen.getByRole("button", { name: "Submit" }));
      await waitFor(() => expect(submit).toHaveBeenCalledWith({ order: ["c", "a", "b"] }));
    } finally {
      restore();
    }
  });

  it("offers labelled choices as radio buttons and long text as a text area", async () => {
    const submit = respond({
      type: "object",
      properties: {
        pick: { type: "string", title: "Pick", oneOf: [{ const: "x", title: "Ex" }, { const: "y", title: "Why" }] },
        note: { type: "string", title: "Note", "x-caja-widget": "long_text", "x-caja-rows": 6 },
      },
      required: ["pick", "note"],
    });
    await userEvent.click(await screen.findByRole("radio", { name: "Why" }));
    const note = screen.getByRole("textbox", { name: /Note/ });
    expect(note.tagName).toBe("TEXTAREA");
    expect(note).toHaveAttribute("rows", "6");
    await userEvent.type(note, "line one{enter}line two");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(submit).toHaveBeenCalledWith({ pick: "y", note: "line one\nline two" }));
  });

  it("finds hints behind $refs and inside arrays of the config form", async () => {
    const onChange = vi.fn();
    const schema = {
      type: "object",
      properties: { statements: { type: "array", items: { $ref: "#/$defs/Statement" }, title: "Statements" } },
      $defs: { Statement: { type: "object", properties: { text: { type: "string", title: "Text", "x-caja-widget": "long_text", "x-caja-rows": 2 } } } },
    };
    const { Configure } = activityUI("hinted", info({ type: "object" }, schema));
    render(<Configure value={{ statements: [{ text: "" }] }} onChange={onChange} typeInfo={info({ type: "object" }, schema)} />);
    const text = await screen.findByRole("textbox", { name: /Text/ });
    expect(text.tagName).toBe("TEXTAREA");
    // an item is labelled by its own title, else its list's, and its number
    expect(itemTitle({ title: "Statement" }, "Statements-2", 1)).toBe("Statement 2");
    expect(itemTitle({}, "Statements-2", 1)).toBe("Statements 2");
  });

  it("uploads an image for an image hint and can remove it", async () => {
    const onChange = vi.fn();
    const schema = {
      type: "object",
      properties: { picture: { type: ["string", "null"], title: "Picture", "x-caja-widget": "image", format: "uri-reference" } },
    };
    const { Configure } = activityUI("hinted", info({ type: "object" }, schema));
    const { unmount } = render(<Configure value={{}} onChange={onChange} typeInfo={info({ type: "object" }, schema)} />);
    const picker = await screen.findByLabelText("Picture");
    expect(picker).toHaveAttribute("type", "file");
    unmount();
    render(<Configure value={{ picture: "/media/cat.webp" }} onChange={onChange} typeInfo={info({ type: "object" }, schema)} />);
    expect(await screen.findByTestId("image-thumb")).toHaveAttribute("src", "/media/cat.webp");
    await userEvent.click(screen.getByRole("button", { name: "Remove the image of Picture" }));
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith({}));
  });

  it("falls back to the field's type for a hint it doesn't know", () => {
    expect(hintUi({ type: "string", "x-caja-widget": "hologram" } as never)).toEqual({});
    expect(sliderStart({ minimum: 1, maximum: 10 })).toBe(6);
    expect(sliderStart({ minimum: 0, maximum: 1, default: 0 })).toBe(0);
    expect(completeOrder(["b", "a"], ["a", "b"])).toEqual(["b", "a"]);
    expect(completeOrder(["b", "x"], ["a", "b"])).toEqual(["a", "b"]);
  });
});
