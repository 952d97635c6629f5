"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { deleteEnvironmentAction } from "@/app/(settings)/environments/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useActionCall } from "@/components/ui/use-action-call";
import { STATE_HEADING_ID } from "./environment-state-card";
import { invalidateEnvironment } from "./invalidate-environment";

/**
 * Delete, with a confirmation that says what happens on the runner and what does not change
 * (the provider, the owner's Git connection). Afterwards focus moves to the status, which shows
 * "Deleting…" until the runner is done.
 */
export function DeleteEnvironmentButton({ environment }: { environment: { id: string; name: string; host: string; ownedByViewer: boolean; ownerEmail: string } }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const call = useActionCall(deleteEnvironmentAction);
  // The button goes away once the page shows "Deleting…": keep keyboard and screen-reader users on the status then.
  const deleted = useRef(false);
  useEffect(
    () => () => {
      if (deleted.current) document.getElementById(STATE_HEADING_ID)?.focus();
    },
    [],
  );
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete environment
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete the environment ${environment.name}?`}
        description={
          <>
            <ul className="list-disc space-y-1 pl-5">
              <li>The clone on the runner is removed, with any changes that were not pushed.</li>
              <li>Git and the agent tools in it stop working at once.</li>
              <li>The environment&apos;s OS user on the runner is removed.</li>
            </ul>
            <p className="mt-2">
              Nothing changes at the provider: the repository and its branches stay as they are. {environment.ownedByViewer ? "Your" : `${environment.ownerEmail}'s`} Git connection for {environment.host} stays connected. This cannot be undone.
            </p>
          </>
        }
        confirmLabel="Delete environment"
        pending={call.pending}
        onConfirm={() =>
          call.run(
            { environmentId: environment.id },
            {
              onSuccess: () => {
                deleted.current = true;
                setOpen(false);
                void invalidateEnvironment(environment.id);
                router.refresh();
              },
            },
          )
        }
      />
    </>
  );
}
