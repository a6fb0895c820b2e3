const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** A short code from a counter: 1 → "b", 31 → "ba". No look-alike characters (0/o, 1/l/i). */
export function encode(n: number): string {
  let code = "";
  do {
    code = ALPHABET[n % ALPHABET.length] + code;
    n = Math.floor(n / ALPHABET.length);
  } while (n > 0);
  return code;
}
