/**
 * A `pg` client class for the Prisma CLI's schema engine only (prisma.config.ts).
 *
 * The wasm schema engine reads PostgreSQL's catalogs, whose columns use internal types such as
 * `name`; @prisma/adapter-pg 6.19 has no mapping for them and `migrate deploy` fails with
 * "Column type 'name' could not be deserialized from the database" (prisma/orm#27403, open).
 * These types are text on the wire, so relabelling them as `text` before the adapter sees the
 * result is lossless. App queries never select catalog columns and use the stock client.
 */
import pg from "pg";

/** Catalog type oid → the oid of a type the adapter maps, with the same text representation. */
const RELABEL: Readonly<Record<number, number>> = {
  18: 25, // "char" → text
  19: 25, // name → text
  194: 25, // pg_node_tree → text
  1002: 1009, // "char"[] → text[]
  1003: 1009, // name[] → text[]
};

function relabel<R>(result: R): R {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results as { fields?: { dataTypeID: number }[] }[]) {
    for (const field of r?.fields ?? []) {
      field.dataTypeID = RELABEL[field.dataTypeID] ?? field.dataTypeID;
    }
  }
  return result;
}

export class CatalogTypesClient extends pg.Client {
  // pg's overloads (promise, callback, submittable) are not expressible in one override.
  override query(...args: unknown[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, res: unknown) => last(err, err ? res : relabel(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    return out instanceof Promise ? out.then(relabel) : out;
  }
}
