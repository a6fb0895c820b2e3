/**
 * dockerfile-ast calls `Buffer.from(char, "UTF-8")` (only to spot a UTF-8 byte-order mark), and
 * browsers have no Buffer. A TextEncoder stand-in covers that one use. Call once in the browser
 * before the first parse; in Node it does nothing.
 */
export function installBufferShim(): void {
  const scope = globalThis as { Buffer?: unknown };
  if (typeof scope.Buffer !== "undefined") return;
  scope.Buffer = { from: (s: string) => new TextEncoder().encode(s) };
}
