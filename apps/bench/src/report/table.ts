export type Align = "left" | "right";
export interface Column {
  header: string;
  align?: Align;
}

const width = (text: string) => [...text].length;
const pad = (text: string, size: number, align: Align) => (align === "right" ? " ".repeat(Math.max(0, size - width(text))) + text : text + " ".repeat(Math.max(0, size - width(text))));

/** A plain-text table: columns as wide as their widest cell, a rule under the header, no trailing spaces. */
export function renderTable(columns: Column[], rows: string[][]): string {
  const sizes = columns.map((column, i) => Math.max(width(column.header), ...rows.map((row) => width(row[i] ?? ""))));
  const line = (cells: string[]) =>
    columns
      .map((column, i) => pad(cells[i] ?? "", sizes[i]!, column.align ?? "left"))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), sizes.map((size) => "-".repeat(size)).join("  "), ...rows.map(line)].join("\n");
}

/** The same rows as a Markdown table, for docs/benchmarks.md. */
export function renderMarkdownTable(columns: Column[], rows: string[][]): string {
  const escape = (cell: string) => cell.replaceAll("|", "\\|");
  return [
    `| ${columns.map((c) => escape(c.header)).join(" | ")} |`,
    `|${columns.map((c) => (c.align === "right" ? "---:" : "---")).join("|")}|`,
    ...rows.map((row) => `| ${columns.map((_, i) => escape(row[i] ?? "")).join(" | ")} |`),
  ].join("\n");
}
