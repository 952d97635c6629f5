import Link from "next/link";
import { PageHeader } from "@/components/settings/page-header";

export default function GroupNotFound() {
  return (
    <>
      <PageHeader title="Group not found" description="It may have been deleted, or the link is wrong." />
      <Link href="/settings/members" className="font-medium text-brand-700 underline">
        Back to Members
      </Link>
    </>
  );
}
