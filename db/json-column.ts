/**
 * JSON columns are wire data: written by one version of the code, read by another, editable by
 * hand. Every read goes through a zod schema, and a mismatch names the row and column.
 */
import type { z } from "zod";

/** Stored data that does not have the shape the code expects. */
export class DbDataError extends Error {
  override name = "DbDataError";
}

export function parseJsonColumn<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new DbDataError(`${where} holds data of the wrong shape (${issues})`);
  }
  return result.data;
}

/**
 * PostgreSQL's jsonb rejects U+0000 in strings (and text columns reject NUL bytes); container
 * output can contain them. Strip them on the way in so a stray byte never loses a result.
 */
export function withoutNul<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === "string" ? v.replaceAll("\u0000", "") : v,
  ) as T;
}
