"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { deleteRunnerAction, rotateRegistrationTokenAction } from "@/app/(settings)/settings/runners/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { useActionCall } from "@/components/ui/use-action-call";
import type { RunnerInstall } from "@/lib/runners/runner-install";
import { RegistrationInstructions } from "./registration-instructions";

export type RunnerRef = { id: string; name: string; registered: boolean; integrations: number; connectedUsers: number };

/** Which of a runner's confirmations is open. */
export type RunnerDialog = "rotate" | "delete" | null;

export type RunnerDialogsProps = { runner: RunnerRef; install: RunnerInstall; afterDeleteHref?: string; open: RunnerDialog; onClose: () => void };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The confirmations behind a runner's buttons, and the new registration token's instructions:
 * rotating says what re-registering means, deleting what it takes along. Loaded on demand by
 * `RunnerActions` at the first click, and kept mounted from then on (the new token's dialog
 * outlives the confirmation that asked for it).
 */
export function RunnerDialogs({ runner, install, afterDeleteHref, open, onClose }: RunnerDialogsProps) {
  const router = useRouter();
  const [token, setToken] = useState<{ registrationToken: string; expiresAt: string } | null>(null);
  const rotateCall = useActionCall(rotateRegistrationTokenAction);
  const deleteCall = useActionCall(deleteRunnerAction);

  return (
    <>
      <Dialog
        open={open === "rotate"}
        onClose={onClose}
        title={`Rotate the registration token of ${runner.name}?`}
        description={
          <>
            <p>A new one-time token (valid 24 hours) replaces any unused one.</p>
            {runner.registered ? (
              <p className="mt-2">
                The runner keeps working until someone registers with the new token. Registering again gives the runner a <strong>new key pair</strong>: everything sealed to the old key — users&apos; Git credentials and OAuth client secrets — can no longer be opened, so users must connect again and OAuth client secrets must be entered again.
              </p>
            ) : (
              <p className="mt-2">Use it when the first token was lost or has expired.</p>
            )}
          </>
        }
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            pending={rotateCall.pending}
            onClick={() =>
              rotateCall.run(
                { runnerId: runner.id },
                {
                  onSuccess: (data) => {
                    onClose();
                    setToken(data);
                  },
                },
              )
            }
          >
            Rotate token
          </Button>
        </div>
      </Dialog>
      <Dialog open={token !== null} onClose={() => setToken(null)} title={`New registration token for ${runner.name}`}>
        {token ? <RegistrationInstructions runnerName={runner.name} token={token.registrationToken} expiresAt={token.expiresAt} install={install} /> : null}
        <div className="mt-4 flex justify-end">
          <Button variant="secondary" onClick={() => setToken(null)}>
            Done
          </Button>
        </div>
      </Dialog>
      <ConfirmDialog
        open={open === "delete"}
        onClose={onClose}
        title={`Delete runner ${runner.name}?`}
        description={
          <>
            Its access token stops working at once and its queued jobs are dropped. {plural(runner.integrations, "Git provider integration")} and the credentials of{" "}
            <strong>{plural(runner.connectedUsers, "user")}</strong> connected through it are deleted; those users lose their connection. This cannot be undone.
          </>
        }
        confirmLabel="Delete runner"
        pending={deleteCall.pending}
        onConfirm={() =>
          deleteCall.run(
            { runnerId: runner.id },
            {
              success: `${runner.name} deleted`,
              onSuccess: () => {
                onClose();
                if (afterDeleteHref) router.push(afterDeleteHref);
              },
            },
          )
        }
      />
    </>
  );
}
