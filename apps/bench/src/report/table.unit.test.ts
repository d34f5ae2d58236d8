import { describe, expect, it } from "vitest";
import { renderMarkdownTable, renderTable } from "./table.ts";

describe("renderTable", () => {
  it("pads each column to its widest cell, right-aligns numbers, ends no line in spaces", () => {
    const text = renderTable([{ header: "metric" }, { header: "value", align: "right" }, { header: "note" }], [
      ["accepted/s", "1,234", ""],
      ["p99", "12.5 ms", "≤ 50 ms ✓"],
    ]);
    expect(text.split("\n")).toEqual([
      "metric        value  note",
      "----------  -------  ---------",
      "accepted/s    1,234",
      "p99         12.5 ms  ≤ 50 ms ✓",
    ]);
  });
});

describe("renderMarkdownTable", () => {
  it("writes a header, an alignment row and escapes pipes", () => {
    expect(renderMarkdownTable([{ header: "a" }, { header: "b", align: "right" }], [["x|y", "1"]])).toBe("| a | b |\n|---|---:|\n| x\\|y | 1 |");
  });
});
