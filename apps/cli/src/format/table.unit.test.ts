import { describe, expect, it } from "vitest";
import { displayWidth, renderTable } from "./table.ts";

describe("renderTable", () => {
  it("aligns every column to its widest cell, numbers to the right, without trailing spaces", () => {
    const table = renderTable(
      [{ header: "NAME" }, { header: "COUNT", align: "right" }, { header: "NOTE" }],
      [
        ["ORDERS", "1,204", "ok"],
        ["DLQ", "3", ""],
      ],
    );
    expect(table.split("\n")).toEqual([
      "NAME    COUNT  NOTE", //
      "ORDERS  1,204  ok",
      "DLQ         3",
    ]);
  });

  it("counts × and … as one column, so lines with them stay aligned", () => {
    const table = renderTable([{ header: "LINES" }, { header: "X" }], [["MUG×2", "a"], ["AB", "b"]]);
    expect(table.split("\n")).toEqual(["LINES  X", "MUG×2  a", "AB     b"]);
    expect(displayWidth("MUG×2…")).toBe(6);
  });

  it("renders the header alone when there are no rows, and blanks for missing cells", () => {
    expect(renderTable([{ header: "A" }, { header: "B" }], [])).toBe("A  B");
    expect(renderTable([{ header: "A" }, { header: "B" }], [["x"]]).split("\n")[1]).toBe("x");
  });
});
