"use client";

import { useActionState, useState } from "react";
import type { RoleChangeState } from "@/app/admin/users/actions";
import { Role, ROLES } from "@/lib/roles";

type Props = {
  userId: string;
  email: string;
  role: Role;
  action: (prev: RoleChangeState, form: FormData) => Promise<RoleChangeState>;
};

/** One user's role picker on the admin's Users page; says what happened next to the row. */
export function RoleForm({ userId, email, role, action }: Props) {
  const [state, submit, pending] = useActionState(action, null);
  // Controlled: React resets a form after its action, which would show the old role beside "now …".
  const [chosen, setChosen] = useState<Role>(role);
  return (
    <form action={submit} className="role-form">
      <input type="hidden" name="userId" value={userId} />
      <label className="visually-hidden" htmlFor={`role-${userId}`}>
        Role of {email}
      </label>
      <select id={`role-${userId}`} name="role" value={chosen} onChange={(e) => setChosen(Role.parse(e.target.value))}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" className="btn" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </button>
      <p role="status" className={state?.ok === false ? "field-error" : "field-hint"}>
        {state?.message ?? ""}
      </p>
    </form>
  );
}
