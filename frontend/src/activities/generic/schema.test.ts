import { describe, expect, it } from "vitest";
import { simplifyNullable } from "./schema";

describe("simplifyNullable", () => {
  it("turns pydantic's optional fields into one nullable field, keeping title and default", () => {
    const schema = {
      type: "object",
      properties: {
        low_label: { anyOf: [{ type: "string", maxLength: 40 }, { type: "null" }], default: null, title: "Low Label" },
        choice: { anyOf: [{ type: "string" }, { type: "integer" }], title: "Choice" },
      },
    };
    expect(simplifyNullable(schema)).toEqual({
      type: "object",
      properties: {
        low_label: { type: ["string", "null"], maxLength: 40, default: null, title: "Low Label" },
        // a real choice between two types is left alone
        choice: { anyOf: [{ type: "string" }, { type: "integer" }], title: "Choice" },
      },
    });
  });
});
