import { classCsv } from "@/app/class-data";
import { currentUser } from "@/app/session";
import { hasRole } from "@/lib/roles";

/** The class as CSV: one row per learner × exercise. Same guard as the pages: role, then ownership. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const user = await currentUser();
  if (!user) return new Response("Sign in first.\n", { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } });
  if (!hasRole(user.role, "instructor")) return new Response("Instructors only.\n", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  const found = await classCsv(user.id, (await params).id);
  if (!found) return new Response("No such class.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  const slug = found.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "class";
  return new Response(found.csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="stagecraft-${slug}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
