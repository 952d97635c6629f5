"use client";

import { Badge } from "@/components/ui/badge";
import { TD } from "@/components/ui/table";
import type { Role } from "@/db/schema";
import { MemberActions } from "./member-actions";

export type MemberRowData = {
  userId: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  invited: boolean;
  groups: string[];
};

/**
 * One row of the members table. A client component although it holds little state: the page
 * then sends each row's data once, instead of the row's markup twice (HTML and RSC payload).
 */
export function MemberRow({ member, isSelf }: { member: MemberRowData; isSelf: boolean }) {
  return (
    <tr data-member-email={member.email}>
      <TD>
        <p className="font-medium text-gray-900">{member.name}</p>
        <p className="text-gray-700">{member.email}</p>
      </TD>
      <TD>
        <div className="flex flex-wrap gap-1">
          <Badge tone={member.role === "admin" ? "blue" : "gray"}>{member.role}</Badge>
          {member.disabled ? <Badge tone="red">disabled</Badge> : member.invited ? <Badge tone="yellow">invited</Badge> : <Badge tone="green">active</Badge>}
        </div>
      </TD>
      <TD className="text-gray-800">{member.groups.length ? member.groups.join(", ") : <span className="text-gray-600">—</span>}</TD>
      <TD>
        <MemberActions member={member} isSelf={isSelf} />
      </TD>
    </tr>
  );
}
