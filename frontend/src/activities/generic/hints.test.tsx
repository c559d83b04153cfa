/**
 * The generated forms honour caja_core.ui's hints: a slider, a long text, an ordering with
 * move buttons, labelled choices as radio buttons — in the activity's own answer schema.
 */
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ActivityTypeInfo } from "../../api/types";
import { activity } from "../../test/fixtures";
import { activityUI } from "../registry";
import { completeOrder, hintUi, itemTitle, sliderStart } from "./hints";

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
    const submit = respond({
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
    const group = await screen.findByRole("group", { name: /^Your order/ });
    expect(Array.from(group.querySelectorAll(".ordering-label")).map((e) => e.textContent)).toEqual(["Apples", "Bread", "Cheese"]);
    const down = screen.getByRole("button", { name: "Move “Apples” down" });
    await userEvent.click(down);
    await userEvent.click(down);
    expect(down).toHaveFocus(); // the focus follows the item
    expect(down).toHaveAttribute("aria-disabled", "true"); // at the bottom now
    expect(screen.getByText("“Apples” is now number 3 of 3")).toBeInTheDocument();
    // from the keyboard: Cheese up
    screen.getByRole("button", { name: "Move “Cheese” up" }).focus();
    await userEvent.keyboard("{Enter}");
    expect(Array.from(group.querySelectorAll(".ordering-label")).map((e) => e.textContent)).toEqual(["Cheese", "Bread", "Apples"]);
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(submit).toHaveBeenCalledWith({ order: ["c", "b", "a"] }));
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
