import type { Metadata } from "next";
import { AddMemberForm } from "@/components/settings/members/add-member-form";
import { CreateGroupForm } from "@/components/settings/members/create-group-form";
import { GroupCard } from "@/components/settings/members/group-card";
import { MemberRow } from "@/components/settings/members/member-row";
import { Pagination } from "@/components/ui/pagination";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { ListSearch, PastLastPage } from "@/components/ui/list-search";
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
            <ListSearch action="/settings/members" id="member-search" label="Search members by email or name" placeholder="Search by email or name" defaultValue={q} />
          </div>
          {members.rows.length === 0 ? (
            members.total > 0 ? (
              <PastLastPage title="No members on this page" lastPageHref={pageHref(members.pageCount)} />
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
