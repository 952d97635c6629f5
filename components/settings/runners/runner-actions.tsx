"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { deleteRunnerAction, rotateRegistrationTokenAction } from "@/app/(settings)/settings/runners/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { useActionCall } from "@/components/ui/use-action-call";
import type { RunnerInstall } from "@/lib/runners/runner-install";
import { RegistrationInstructions } from "./registration-instructions";

type RunnerRef = { id: string; name: string; registered: boolean; integrations: number; connectedUsers: number };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Rotate the registration token (with what re-registering means) and delete the runner (with what it takes along). */
export function RunnerActions({ runner, install, afterDeleteHref }: { runner: RunnerRef; install: RunnerInstall; afterDeleteHref?: string }) {
  const router = useRouter();
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [token, setToken] = useState<{ registrationToken: string; expiresAt: string } | null>(null);
  const rotateCall = useActionCall(rotateRegistrationTokenAction);
  const deleteCall = useActionCall(deleteRunnerAction);

  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" size="sm" onClick={() => setConfirmRotate(true)}>
        Rotate registration token<span className="sr-only"> for {runner.name}</span>
      </Button>
      <Button variant="ghost" size="sm" className="text-red-800" onClick={() => setConfirmDelete(true)}>
        Delete<span className="sr-only"> runner {runner.name}</span>
      </Button>
      <Dialog
        open={confirmRotate}
        onClose={() => setConfirmRotate(false)}
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
          <Button variant="secondary" onClick={() => setConfirmRotate(false)} data-autofocus>
            Cancel
          </Button>
          <Button
            pending={rotateCall.pending}
            onClick={() =>
              rotateCall.run(
                { runnerId: runner.id },
                {
                  onSuccess: (data) => {
                    setConfirmRotate(false);
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
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
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
                setConfirmDelete(false);
                if (afterDeleteHref) router.push(afterDeleteHref);
              },
            },
          )
        }
      />
    </div>
  );
}
