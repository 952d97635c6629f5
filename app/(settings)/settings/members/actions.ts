"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { createAction } from "@/lib/actions/create-action";
import { getEnv } from "@/lib/env";
import { addGroupMember } from "@/lib/groups/add-group-member";
import { createGroup } from "@/lib/groups/create-group";
import { deleteGroup } from "@/lib/groups/delete-group";
import { removeGroupMember } from "@/lib/groups/remove-group-member";
import { addGroupMemberSchema, createGroupSchema, groupIdSchema, groupMemberSchema } from "@/lib/groups/schemas";
import { addMember } from "@/lib/members/add-member";
import { changeRole } from "@/lib/members/change-role";
import { removeMember } from "@/lib/members/remove-member";
import { resendInvitation } from "@/lib/members/resend-invitation";
import { setMemberDisabled } from "@/lib/members/set-member-disabled";
import { issuePasswordReset } from "@/lib/users/issue-password-reset";
import { addMemberSchema, changeRoleSchema, setDisabledSchema, userIdSchema } from "@/lib/users/schemas";

const admins = { roles: ["admin"] } as const;
const PATH = "/settings/members";
/** The Members page and everything under it (each group's page). */
const revalidateMembers = () => revalidatePath(PATH, "layout");

function inviteUrl(token: string): string {
  return `${getEnv().PUBLIC_BASE_URL}/invite/${token}`;
}

export const addMemberAction = createAction({
  name: "member.add",
  access: admins,
  schema: addMemberSchema,
  handler: async (input, actor) => {
    const result = await addMember({ db: await getDb(), actor, ...input });
    revalidateMembers();
    return { email: input.email, inviteUrl: inviteUrl(result.token), expiresAt: result.expiresAt.toISOString() };
  },
});

export const resendInvitationAction = createAction({
  name: "member.invitation_reissued",
  access: admins,
  schema: userIdSchema,
  handler: async (input, actor) => {
    const result = await resendInvitation({ db: await getDb(), actor, userId: input.userId });
    return { inviteUrl: inviteUrl(result.token), expiresAt: result.expiresAt.toISOString() };
  },
});

export const changeRoleAction = createAction({
  name: "member.role_changed",
  access: admins,
  schema: changeRoleSchema,
  handler: async (input, actor) => {
    await changeRole({ db: await getDb(), actor, ...input });
    revalidateMembers();
    return null;
  },
});

export const setMemberDisabledAction = createAction({
  name: "member.disabled",
  access: admins,
  schema: setDisabledSchema,
  handler: async (input, actor) => {
    await setMemberDisabled({ db: await getDb(), actor, ...input });
    revalidateMembers();
    return null;
  },
});

export const removeMemberAction = createAction({
  name: "member.removed",
  access: admins,
  schema: userIdSchema,
  handler: async (input, actor) => {
    await removeMember({ db: await getDb(), actor, userId: input.userId });
    revalidateMembers();
    return null;
  },
});

export const createGroupAction = createAction({
  name: "group.created",
  access: admins,
  schema: createGroupSchema,
  handler: async (input, actor) => {
    const group = await createGroup({ db: await getDb(), actor, ...input });
    revalidateMembers();
    return group;
  },
});

export const deleteGroupAction = createAction({
  name: "group.deleted",
  access: admins,
  schema: groupIdSchema,
  handler: async (input, actor) => {
    await deleteGroup({ db: await getDb(), actor, groupId: input.groupId });
    revalidateMembers();
    return null;
  },
});

export const addGroupMemberAction = createAction({
  name: "group.member_added",
  access: admins,
  schema: addGroupMemberSchema,
  handler: async (input, actor) => {
    await addGroupMember({ db: await getDb(), actor, ...input });
    revalidateMembers();
    return null;
  },
});

export const removeGroupMemberAction = createAction({
  name: "group.member_removed",
  access: admins,
  schema: groupMemberSchema,
  handler: async (input, actor) => {
    await removeGroupMember({ db: await getDb(), actor, ...input });
    revalidateMembers();
    return null;
  },
});

export const issuePasswordResetAction = createAction({
  name: "member.password_reset_link_created",
  access: admins,
  schema: userIdSchema,
  handler: async (input, actor) => {
    const result = await issuePasswordReset({ db: await getDb(), actor, userId: input.userId });
    return { resetUrl: `${getEnv().PUBLIC_BASE_URL}/reset-password/${result.token}`, expiresAt: result.expiresAt.toISOString() };
  },
});
