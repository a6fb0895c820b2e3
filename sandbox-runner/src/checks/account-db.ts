/**
 * Lookups in an image's own /etc/passwd or /etc/group text (`name:x:id:…`), for the checks that
 * turn user names into ids and back (non-root-user, file-owner).
 */

/** The id of `name` in passwd or group text (`name:x:id:…`). */
export function idOf(db: string, name: string): number | undefined {
  for (const line of db.split("\n")) {
    const [entry, , id] = line.split(":");
    if (entry === name && id !== undefined && /^\d+$/.test(id)) return Number(id);
  }
  return undefined;
}

/** The first name with `id` in passwd or group text. */
export function nameOf(db: string, id: number): string | undefined {
  for (const line of db.split("\n")) {
    const [entry, , value] = line.split(":");
    if (entry && value !== undefined && /^\d+$/.test(value) && Number(value) === id) return entry;
  }
  return undefined;
}
