import type { Metadata } from "next";
import { requireRole } from "@/app/session";
import { RoleForm } from "@/components/account/RoleForm";
import { listUsers } from "@/db";
import { changeRole } from "./actions";

export const metadata: Metadata = { title: "Users and roles" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/** Admins give the instructor (or admin) role; everyone else gets a 403, visitors a sign-in. */
export default async function UsersPage() {
  const admin = await requireRole("admin", "/admin/users");
  const users = await listUsers();
  return (
    <div className="admin-page">
      <h1>Users and roles</h1>
      <p className="auth-lede">
        Instructors see their classes&apos; progress; admins manage roles. Everyone starts as a learner.
      </p>
      <table className="users-table">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Joined</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td data-label="Account">
                <span className="user-name">{u.name}</span>
                <span className="user-email">{u.email}</span>
              </td>
              <td data-label="Joined">{dateFormat.format(u.createdAt)}</td>
              <td data-label="Role">
                {u.id === admin.id ? (
                  <span className="field-hint">{u.role} (you)</span>
                ) : (
                  <RoleForm userId={u.id} email={u.email} role={u.role} action={changeRole} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
