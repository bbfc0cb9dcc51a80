// The benches' output: a plain-text table, a header row underlined, columns padded to fit.

/** Prints rows (the first is the header) as an aligned table. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [k, row] of rows.entries()) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
    if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
