import Link from "next/link";
import { RelativeTime } from "@/components/settings/git-auth/relative-time";
import { EmptyState } from "@/components/ui/empty-state";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { EnvironmentView } from "@/lib/environments/list-environments";
import { describeCode } from "@/lib/errors/catalogue";
import type { ErrorDescription } from "@/lib/errors/error-description";
import { EnvironmentStatus } from "./environment-status";

/** What the row's status says about its error, described here on the server so the browser needs no catalogue. */
function statusEntry(env: EnvironmentView): ErrorDescription | null {
  if (env.status === "failed" || (env.status === "creating" && env.errorCode)) return describeCode(env.errorCode ?? "internal_error").entry;
  if (env.status === "owner_disabled") return describeCode("environment_owner_disabled").entry;
  return null;
}

/**
 * The person's environments, newest first, each linking to its page, with its status: creating
 * (with clone progress), ready, needs reconnect, owner disabled, failed, deleting. A server
 * component: errors are described here, and only rows being created or deleted load live code.
 */
export function EnvironmentList({ environments, now }: { environments: EnvironmentView[]; now: string }) {
  if (environments.length === 0) {
    return (
      <EmptyState title="No environments yet">
        <p>Create one above from a repository URL. The runner clones it with your connected account.</p>
      </EmptyState>
    );
  }
  return (
    <Table caption="Your environments">
      <THead>
        <tr>
          <TH>Repository</TH>
          <TH>Runner</TH>
          <TH>Status</TH>
          <TH>Created</TH>
        </tr>
      </THead>
      <TBody>
        {environments.map((env) => (
          <tr key={env.id} data-environment-id={env.id} data-status={env.status} className="align-top">
            <TD className="align-top">
              <Link href={`/environments/${env.id}`} className="font-medium text-brand-700 underline">
                {env.name}
                <span className="sr-only"> environment</span>
              </Link>
              <p className="break-all font-mono text-xs text-gray-700">{env.repoUrl}</p>
            </TD>
            <TD className="align-top text-gray-800">{env.runnerName}</TD>
            <TD className="align-top">
              <EnvironmentStatus environmentId={env.id} status={env.status} branch={env.branch} progress={env.progress} errorCode={env.errorCode} entry={statusEntry(env)} jobId={env.jobId} />
            </TD>
            <TD className="align-top text-gray-800">
              <RelativeTime value={env.createdAt} now={now} />
            </TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
