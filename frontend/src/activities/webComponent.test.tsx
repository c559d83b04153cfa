import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ActivityTypeInfo } from "../api/types";
import { activity } from "../test/fixtures";
import { activityUI } from "./registry";

// A plugin's ES module: defines <caja-stars>, shows the activity title, answers on click.
const MODULE = `
class Stars extends HTMLElement {
  set activity(a) { this._a = a; this.render(); }
  set mode(m) { this._m = m; this.render(); }
  render() {
    this.innerHTML = "";
    const b = document.createElement("button");
    b.textContent = (this._m || "") + ":" + (this._a ? this._a.title : "");
    b.onclick = () => this.dispatchEvent(new CustomEvent("caja-answer", { detail: { stars: 5 } }));
    this.appendChild(b);
  }
}
customElements.define("caja-stars", Stars);
`;

describe("a type that ships a web component", () => {
  it("loads the module and passes answers from the element to the host", async () => {
    const url = `data:text/javascript;base64,${btoa(MODULE)}`;
    const info = { name: "stars", web_component: url } as ActivityTypeInfo;
    const { Respond } = activityUI("stars", info);
    const submit = vi.fn().mockResolvedValue({ ok: true });
    render(<Respond activity={activity({ type: "stars", title: "Rate us" })} typeInfo={info} submit={submit} secondsLeft={null} />);
    const button = await screen.findByRole("button", { name: "respond:Rate us" }, { timeout: 3000 });
    await userEvent.click(button);
    await waitFor(() => expect(submit).toHaveBeenCalledWith({ stars: 5 }));
  });
});
