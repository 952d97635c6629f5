import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AddToGroupForm } from "@/components/settings/members/add-to-group-form";
import { DeleteGroupButton } from "@/components/settings/members/delete-group-button";
import { groupHref } from "@/components/settings/members/group-href";
import { Pagination } from "@/components/ui/pagination";
import { RemoveFromGroupButton } from "@/components/settings/members/remove-from-group-button";
import { PageHeader } from "@/components/settings/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requirePageActor } from "@/lib/auth/get-actor";
import { isAppError } from "@/lib/errors/app-error";
import { listGroupMembers } from "@/lib/groups/list-group-members";
import { sectionRoles } from "@/lib/settings/sections";
import { listMembersSchema, uuidSchema } from "@/lib/users/schemas";

export const metadata: Metadata = { title: "Group members" };

const pageSchema = listMembersSchema.pick({ page: true });

export default async function GroupPage({
  params,
  searchParams,
}: {
  params: Promise<{ groupId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor(sectionRoles("members"));
  const { groupId } = await params;
  if (!uuidSchema.safeParse(groupId).success) notFound();
  const parsed = pageSchema.safeParse(await searchParams);
  const page = parsed.success ? parsed.data.page : 1;
  const data = await listGroupMembers({ db: await getDb(), actor, groupId, page }).catch((e: unknown) => {
    if (isAppError(e) && e.code === "not_found") return null;
    throw e;
  });
  if (!data) notFound();
  const { group } = data;
  const pageHref = (p: number) => `${groupHref(group.id)}?page=${p}`;

  return (
    <>
      <Link href="/settings/members" className="mb-2 inline-block text-sm font-medium text-brand-700 underline">
        ← Members
      </Link>
      <PageHeader
        title={group.name}
        description={group.description || "A group of this organization's members."}
        actions={<DeleteGroupButton group={{ id: group.id, name: group.name, memberCount: group.memberCount }} redirectTo="/settings/members" />}
      />
      <section aria-labelledby="group-members-heading" className="flex flex-col gap-3">
        <h2 id="group-members-heading" className="text-lg font-semibold text-gray-900">
          Members <span className="text-sm font-normal text-gray-700">({data.total})</span>
        </h2>
        <AddToGroupForm group={{ id: group.id, name: group.name }} className="rounded-lg border border-gray-300 bg-white p-4" />
        {data.rows.length === 0 ? (
          data.total === 0 ? (
            <EmptyState title="No members in this group yet">
              <p>Add organization members to it by email above.</p>
            </EmptyState>
          ) : (
            <EmptyState
              title="No members on this page"
              action={
                <Link href={pageHref(data.pageCount)} className="font-medium text-brand-700 underline">
                  Go to the last page
                </Link>
              }
            />
          )
        ) : (
          <Table caption={`Members of ${group.name}`}>
            <THead>
              <tr>
                <TH>Member</TH>
                <TH>Added</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </tr>
            </THead>
            <TBody>
              {data.rows.map((m) => (
                <tr key={m.userId} data-member-email={m.email}>
                  <TD>
                    <p className="font-medium text-gray-900">{m.name}</p>
                    <p className="text-gray-700">{m.email}</p>
                  </TD>
                  <TD className="text-gray-800">
                    <time dateTime={m.addedAt.toISOString()}>{m.addedAt.toLocaleDateString("en", { dateStyle: "medium" })}</time>
                  </TD>
                  <TD className="text-right">
                    <RemoveFromGroupButton group={{ id: group.id, name: group.name }} member={{ userId: m.userId, email: m.email }} />
                  </TD>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
        <Pagination label="Group members pages" page={data.page} pageCount={data.pageCount} href={pageHref} />
      </section>
    </>
  );
}
