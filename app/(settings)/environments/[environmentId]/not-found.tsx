import Link from "next/link";
import { PageHeader } from "@/components/settings/page-header";

/** An unknown id, another organization's or another member's environment, or a deleted one: the same page. */
export default function EnvironmentNotFound() {
  return (
    <>
      <PageHeader title="Environment not found" description="It may have been deleted, or the link is wrong." />
      <Link href="/environments" className="font-medium text-brand-700 underline">
        Back to Environments
      </Link>
    </>
  );
}
