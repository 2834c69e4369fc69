/**
 * Checks that a README shows an example file verbatim (as its ```ts block) and runs the example,
 * returning what it printed with console.log (strings as they are, other values as JSON).
 */
export async function runReadmeExample(readme: string, example: string, load: () => Promise<unknown>): Promise<string> {
  if (!readme.includes('```ts\n' + example + '```\n')) throw new Error('the README does not show the example file verbatim (as a ```ts block)');
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  try {
    await load();
  } finally {
    console.log = log;
  }
  return printed.join('\n');
}
