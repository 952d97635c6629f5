import type { Metadata } from "next";
import Link from "next/link";
import { AddMemberForm } from "@/components/settings/members/add-member-form";
import { CreateGroupForm } from "@/components/settings/members/create-group-form";
import { GroupCard } from "@/components/settings/members/group-card";
import { MemberRow } from "@/components/settings/members/member-row";
import { Pagination } from "@/components/ui/pagination";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, TH, THead, Table } from "@/components/ui/table";
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
            members.total > 0 ? (
              <EmptyState
                title="No members on this page"
                action={
                  <Link className="font-medium text-brand-700 underline" href={pageHref(members.pageCount)}>
                    Go to the last page
                  </Link>
                }
              />
            ) : (
              <EmptyState title={q ? "No member matches your search" : "No members"}>{q ? <p>Try another email or name.</p> : null}</EmptyState>
            )
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
                  <MemberRow
                    key={m.userId}
                    member={{ userId: m.userId, email: m.email, name: m.name, role: m.role, disabled: Boolean(m.disabledAt), invited: m.invited, groups: m.groups }}
                    isSelf={m.userId === actor.userId}
                  />
                ))}
              </TBody>
            </Table>
          )}
          <Pagination label="Members pages" page={members.page} pageCount={members.pageCount} href={pageHref} />
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
