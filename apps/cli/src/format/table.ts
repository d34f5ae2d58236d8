export type Align = "left" | "right";

export interface Column {
  header: string;
  align?: Align;
}

/** Width as a terminal shows it: code points, so `×` and `…` count as one. */
export const displayWidth = (text: string): number => [...text].length;

const pad = (text: string, width: number, align: Align) => {
  const fill = " ".repeat(Math.max(0, width - displayWidth(text)));
  return align === "right" ? fill + text : text + fill;
};

/**
 * Renders rows under their headers, each column as wide as its widest cell, two spaces apart. The last
 * column is not padded and no line ends in spaces, so long details stay readable and diff-friendly.
 */
export function renderTable(columns: Column[], rows: string[][], { gap = "  " }: { gap?: string } = {}): string {
  const widths = columns.map((column, index) =>
    Math.max(displayWidth(column.header), ...rows.map((row) => displayWidth(row[index] ?? ""))),
  );
  const line = (cells: string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        return index === columns.length - 1 && column.align !== "right" ? cell : pad(cell, widths[index] ?? 0, column.align ?? "left");
      })
      .join(gap)
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join("\n");
}
