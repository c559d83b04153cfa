import { describe, expect, it } from "vitest";
import { browserLanguage } from "./languages";
import { resolveLanguage } from "./preference";

describe("which language is shown", () => {
  it("takes the first of the browser's languages that ships", () => {
    expect(browserLanguage(["pt-BR", "es-ES", "en"])).toBe("es");
    expect(browserLanguage(["AR"])).toBe("ar");
    expect(browserLanguage(["pt-BR", "ja"])).toBeNull();
  });

  it("on a phone: the reader's choice, then the session's, then the browser's, then English", () => {
    expect(resolveLanguage({ chosen: null, session: null }, null)).toBe("en");
    expect(resolveLanguage({ chosen: null, session: null }, "de")).toBe("de");
    expect(resolveLanguage({ chosen: null, session: { language: "fr", mode: "phone" } }, "de")).toBe("fr");
    expect(resolveLanguage({ chosen: null, session: { language: null, mode: "phone" } }, "de")).toBe("de");
    expect(resolveLanguage({ chosen: "ar", session: { language: "fr", mode: "phone" } }, "de")).toBe("ar");
  });

  it("on the big screen: the session's language first", () => {
    expect(resolveLanguage({ chosen: "ar", session: { language: "fr", mode: "screen" } }, "de")).toBe("fr");
    expect(resolveLanguage({ chosen: "ar", session: { language: null, mode: "screen" } }, "de")).toBe("ar");
  });
});
