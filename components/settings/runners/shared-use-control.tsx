"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { setRunnerSharedUseAction } from "@/app/(settings)/settings/runners/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Switch } from "@/components/ui/switch";
import { useActionCall } from "@/components/ui/use-action-call";
import type { Runner } from "@/db/schema";

/** Exactly what shared use shares, said before it is turned on. */
export const SHARED_USE_WARNING =
  "Every environment on this runner runs as the same OS user; code in any of them — an agent, a build script — can read the Git credentials of every other person's environments on it.";

/**
 * Shared use of a runner that cannot isolate its environments: off, it hosts one person's
 * environments (a second person is refused); on, anyone's — after a confirmation that says what
 * is shared. Each change is written to the audit log.
 */
export function SharedUseControl({ runner }: { runner: { id: string; name: string; isolation: Runner["isolation"]; sharedUse: boolean } }) {
  const router = useRouter();
  const headingId = useId();
  const [asked, setAsked] = useState<boolean | null>(null);
  const call = useActionCall(setRunnerSharedUseAction);
  const turningOn = asked === true;
  const confirm = () =>
    call.run(
      { runnerId: runner.id, sharedUse: turningOn },
      {
        success: turningOn ? `Shared use of ${runner.name} is on` : `Shared use of ${runner.name} is off`,
        onSuccess: () => {
          setAsked(null);
          router.refresh();
        },
      },
    );
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-gray-300 bg-white p-4" data-testid="shared-use">
      <h2 id={headingId} className="text-lg font-semibold text-gray-900">
        Shared use
      </h2>
      <p className="mt-1 max-w-prose text-sm text-gray-700">
        {runner.isolation === "os_user"
          ? "This runner now gives each environment an OS user of its own, so it needs no shared use. Turn it off."
          : runner.isolation === null
            ? "This runner has not connected yet, so it is not known whether it can isolate environments. Until it reports an OS user per environment, it hosts one person's environments unless shared use is on."
            : "This runner cannot give each environment an OS user of its own (it does not run as root). It therefore hosts one person's environments: a second person's environment is refused, unless shared use is on."}
      </p>
      <div className="mt-3">
        <Switch
          label={`Allow several people's environments on ${runner.name}`}
          description={runner.sharedUse ? "On: anyone may create environments here." : "Off: only the person whose environments it already hosts may create more."}
          checked={runner.sharedUse}
          onCheckedChange={(next) => setAsked(next)}
          disabled={call.pending}
        />
      </div>
      <Dialog
        open={asked !== null}
        onClose={() => setAsked(null)}
        title={turningOn ? `Turn on shared use of ${runner.name}?` : `Turn off shared use of ${runner.name}?`}
        description={
          turningOn ? (
            <>
              <p className="font-medium text-gray-900">{SHARED_USE_WARNING}</p>
              <p className="mt-2">Only turn it on when everyone who may use this runner may see each other&apos;s access, or for a runner that runs no untrusted code. Running the runner as root gives each environment its own OS user instead.</p>
            </>
          ) : (
            <p>Environments that already exist stay where they are. From now on, a person other than the one whose environments the runner hosts is refused when creating an environment here.</p>
          )
        }
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setAsked(null)} data-autofocus>
            Cancel
          </Button>
          <Button variant={turningOn ? "danger" : "primary"} onClick={confirm} pending={call.pending}>
            {turningOn ? "Turn on shared use" : "Turn off shared use"}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
