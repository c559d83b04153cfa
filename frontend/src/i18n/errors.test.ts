/**
 * The host's errors in the reader's language: the body's `code` and `params` pick and fill a
 * catalog message; without a known code the English `detail` is left to the caller.
 */
import { afterAll, describe, expect, it } from "vitest";
import { showLanguage } from "./index";
import { translateError } from "./errors";

describe("translateError", () => {
  afterAll(() => showLanguage("en"));

  it("shows a host error's code with its params in Spanish", async () => {
    await showLanguage("es");
    const taken = {
      error: "conflict",
      detail: "The nickname 'ann' is taken in this session; try 'ann 2'",
      code: "nickname_taken",
      params: { nickname: "ann", suggestion: "ann 2" },
    };
    expect(translateError(taken)).toBe("El apodo «ann» ya está en uso en esta sesión. Prueba «ann 2».");
    const tooLong = { error: "validation_failed", detail: "x", code: "nickname_too_long", params: { max: 32 } };
    expect(translateError(tooLong)).toBe("Un apodo tiene como máximo 32 caracteres.");
  });

  it("picks Arabic's plural form and falls back to null for an unknown code", async () => {
    await showLanguage("ar");
    expect(translateError({ error: "conflict", detail: "x", code: "vote_own_entry", params: {} })).toBe(
      "لا يمكنك التصويت لمشاركتك.",
    );
    expect(translateError({ error: "conflict", detail: "x", code: "no_such_code", params: {} })).toBeNull();
  });
});
