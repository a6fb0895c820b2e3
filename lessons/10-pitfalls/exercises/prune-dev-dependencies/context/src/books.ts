export type Book = { id: number; title: string; author: string; read: boolean };

export const books: Book[] = [
  { id: 1, title: "The Pragmatic Programmer", author: "Andrew Hunt, David Thomas", read: true },
  { id: 2, title: "Designing Data-Intensive Applications", author: "Martin Kleppmann", read: false },
  { id: 3, title: "The Linux Programming Interface", author: "Michael Kerrisk", read: false },
];

/** Books not read yet, for GET /books?unread. */
export function unread(list: readonly Book[]): Book[] {
  return list.filter((b) => !b.read);
}
