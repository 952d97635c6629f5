import type { Metadata } from "next";
import Link from "next/link";
import { AddMemberForm } from "@/components/settings/members/add-member-form";
import { CreateGroupForm } from "@/components/settings/members/create-group-form";
import { GroupCard } from "@/components/settings/members/group-card";
import { MemberActions } from "@/components/settings/members/member-actions";
import { PageHeader } from "@/components/settings/page-header";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { listGroups } from "@/lib/groups/list-groups";
import { listMembers } from "@/lib/members/list-members";
import { sectionRoles } from "@/lib/settings/sections";
import { listMembersSchema } from "@/lib/users/schemas";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor(sectionRoles("members"));
  const parsed = listMembersSchema.safeParse(await searchParams);
  const { q, page } = parsed.success ? parsed.data : { q: undefined, page: 1 };
  const db = await getDb();
  const [members, groups] = await Promise.all([listMembers({ db, actor, q, page }), listGroups({ db, actor })]);
  const pageHref = (p: number) => `/settings/members?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;

  return (
    <>
      <PageHeader title="Members" description="Add people to your organization, choose their role, and organize them in groups. Every change is recorded in the audit log." />
      <div className="flex flex-col gap-8">
        <AddMemberForm />

        <section aria-labelledby="members-heading" className="flex flex-col gap-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <h2 id="members-heading" className="text-lg font-semibold text-gray-900">
              People <span className="text-sm font-normal text-gray-700">({members.total})</span>
            </h2>
            <form role="search" className="flex items-end gap-2" action="/settings/members">
              <label htmlFor="member-search" className="sr-only">
                Search members by email or name
              </label>
              <input id="member-search" name="q" type="search" defaultValue={q ?? ""} placeholder="Search by email or name" maxLength={100} className="rounded-md border border-gray-400 bg-white px-3 py-1.5 text-sm text-gray-900 placeholder:text-gray-600" />
              <button type="submit" className="rounded-md border border-gray-400 bg-white px-3 py-1.5 text-sm font-medium text-gray-900 hover:bg-gray-100">
                Search
              </button>
            </form>
          </div>
          {members.rows.length === 0 ? (
            <EmptyState title={q ? "No member matches your search" : "No members"}>{q ? <p>Try another email or name.</p> : null}</EmptyState>
          ) : (
            <Table caption="Organization members">
              <THead>
                <tr>
                  <TH>Member</TH>
                  <TH>Status</TH>
                  <TH>Groups</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {members.rows.map((m) => (
                  <tr key={m.userId} data-member-email={m.email}>
                    <TD>
                      <p className="font-medium text-gray-900">{m.name}</p>
                      <p className="text-gray-700">{m.email}</p>
                    </TD>
                    <TD>
                      <div className="flex flex-wrap gap-1">
                        <Badge tone={m.role === "admin" ? "blue" : "gray"}>{m.role}</Badge>
                        {m.disabledAt ? <Badge tone="red">disabled</Badge> : m.invited ? <Badge tone="yellow">invited</Badge> : <Badge tone="green">active</Badge>}
                      </div>
                    </TD>
                    <TD className="text-gray-800">{m.groups.length ? m.groups.join(", ") : <span className="text-gray-600">—</span>}</TD>
                    <TD>
                      <MemberActions member={{ userId: m.userId, email: m.email, role: m.role, disabled: Boolean(m.disabledAt), invited: m.invited }} isSelf={m.userId === actor.userId} />
                    </TD>
                  </tr>
                ))}
              </TBody>
            </Table>
          )}
          {members.pageCount > 1 ? (
            <nav aria-label="Members pages" className="flex items-center gap-3 text-sm">
              {members.page > 1 ? (
                <Link className="font-medium text-brand-700 underline" href={pageHref(members.page - 1)}>
                  Previous
                </Link>
              ) : null}
              <span className="text-gray-700">
                Page {members.page} of {members.pageCount}
              </span>
              {members.page < members.pageCount ? (
                <Link className="font-medium text-brand-700 underline" href={pageHref(members.page + 1)}>
                  Next
                </Link>
              ) : null}
            </nav>
          ) : null}
        </section>

        <section aria-labelledby="groups-heading" className="flex flex-col gap-3">
          <h2 id="groups-heading" className="text-lg font-semibold text-gray-900">
            Groups
          </h2>
          <p className="text-sm text-gray-700">Groups let admins grant capabilities to some members only, such as agent source-control tools.</p>
          <CreateGroupForm />
          {groups.length === 0 ? (
            <EmptyState title="No groups yet">
              <p>Create a group above, then add members to it by email.</p>
            </EmptyState>
          ) : (
            <div className="grid gap-3 lg:grid-cols-2">
              {groups.map((g) => (
                <GroupCard key={g.id} group={g} />
              ))}
            </div>
          )}
        </section>
      </div>
    </>
  );
}
