import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { describe, expect, it, vi } from "vitest";
import { jsonResponse } from "../../test/fixtures";
import { AdminApp } from "./AdminApp";

interface Call {
  method: string;
  path: string;
  body: unknown;
  csrf: string | null;
}

/** A stand-in server: alice is logged in until she logs out; her password is "old password". */
function server() {
  const calls: Call[] = [];
  let loggedIn = true;
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(input);
    const path = new URL(request.url).pathname;
    const text = await request.text();
    calls.push({ method: request.method, path, body: text ? JSON.parse(text) : null, csrf: request.headers.get("X-Caja-CSRF") });
    if (path === "/api/auth/me") {
      return loggedIn
        ? jsonResponse({ id: "a1", username: "alice", created_at: "2026-01-05T10:00:00Z" })
        : jsonResponse({ error: "unauthenticated", detail: "Log in first" }, 401);
    }
    if (path === "/api/auth/password") {
      const body = JSON.parse(text) as { current_password: string };
      if (body.current_password !== "old password") {
        return jsonResponse({ error: "unauthenticated", detail: "The current password is wrong" }, 401);
      }
      return new Response(null, { status: 204 });
    }
    if (path === "/api/auth/logout") {
      loggedIn = false;
      return new Response(null, { status: 204 });
    }
    return jsonResponse([]);
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

function renderAccount() {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={["/admin/account"]}>
        <Routes>
          <Route path="/admin/*" element={<AdminApp />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function fillPassword(current: string, next: string, again = next) {
  await userEvent.type(screen.getByLabelText("Current password"), current);
  await userEvent.type(screen.getByLabelText("New password"), next);
  await userEvent.type(screen.getByLabelText("New password again"), again);
  await userEvent.click(screen.getByRole("button", { name: "Change password" }));
}

describe("the account page", () => {
  it("shows who is logged in and changes the password", async () => {
    const calls = server();
    renderAccount();
    expect(await screen.findByRole("heading", { name: "Account" })).toBeInTheDocument();
    expect(await screen.findByText("Logged in as alice.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Account of alice" })).toHaveAttribute("href", "/admin/account");
    await fillPassword("old password", "a new password");
    expect(await screen.findByRole("status")).toHaveTextContent("Password changed. Your other logins have ended.");
    const change = calls.find((c) => c.path === "/api/auth/password");
    expect(change).toEqual({
      method: "POST",
      path: "/api/auth/password",
      body: { current_password: "old password", new_password: "a new password" },
      csrf: "1",
    });
    expect(screen.getByLabelText("Current password")).toHaveValue("");
    expect(screen.getByLabelText("New password")).toHaveValue("");
  });

  it("checks the new password twice and its length before asking the server", async () => {
    const calls = server();
    renderAccount();
    await screen.findByText("Logged in as alice.");
    await fillPassword("old password", "a new password", "a new pasword");
    expect(await screen.findByRole("alert")).toHaveTextContent("The two new passwords differ.");
    await userEvent.clear(screen.getByLabelText("New password"));
    await userEvent.clear(screen.getByLabelText("New password again"));
    await userEvent.type(screen.getByLabelText("New password"), "short");
    await userEvent.type(screen.getByLabelText("New password again"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("at least 8 characters");
    expect(calls.some((c) => c.path === "/api/auth/password")).toBe(false);
  });

  it("says so when the current password is wrong, and stays logged in", async () => {
    server();
    renderAccount();
    await screen.findByText("Logged in as alice.");
    await fillPassword("not it", "a new password");
    expect(await screen.findByRole("alert")).toHaveTextContent("The current password is wrong");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Account" })).toBeInTheDocument();
  });

  it("logs out", async () => {
    const calls = server();
    renderAccount();
    await screen.findByText("Logged in as alice.");
    const section = screen.getByRole("heading", { name: "Log out" }).parentElement!;
    await userEvent.click(section.querySelector("button")!);
    expect(await screen.findByRole("heading", { name: "Presenter login" })).toBeInTheDocument();
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/auth/logout")).toBe(true);
  });
});
