/** A plain text table: a header row, a rule, then rows; numbers right-aligned. */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const right = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || /^[\d.,%x -]+( ms)?$/.test(String(r[c]))));
  const line = (r: readonly string[]) => r.map((v, c) => (right[c] ? v.padStart(width[c]!) : v.padEnd(width[c]!))).join('  ').trimEnd();
  return [line(cells[0]!), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}
