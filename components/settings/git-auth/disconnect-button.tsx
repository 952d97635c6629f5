"use client";

import { useState } from "react";
import { disconnectAction } from "@/app/(settings)/settings/git-authentications/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import { useActionCall } from "@/components/ui/use-action-call";

/**
 * Disconnect with a confirmation that says what happens: the stored credential is removed at
 * once, and the token is either revoked at the provider or must be revoked by hand (with the
 * link). Afterwards a notice says truthfully which of the three happened.
 */
export function DisconnectButton({
  integrationId,
  host,
  providerName,
  source,
  revokesAtProvider,
  manualUrl,
}: {
  integrationId: string;
  host: string;
  providerName: string;
  source: "oauth" | "pat";
  revokesAtProvider: boolean;
  manualUrl: string;
}) {
  const [open, setOpen] = useState(false);
  const call = useActionCall(disconnectAction);
  const toast = useToast();
  const what = source === "oauth" ? "OAuth authorization" : "personal access token";

  const onConfirm = () =>
    call.run(
      { integrationId },
      {
        onSuccess: (outcome) => {
          setOpen(false);
          if (outcome.revocation === "revoked") {
            toast.show({ tone: "success", title: `Disconnected from ${host}`, body: `The token was revoked at ${providerName}.` });
          } else if (outcome.revocation === "queued") {
            toast.show({
              tone: "info",
              persist: true,
              title: `Disconnected from ${host}`,
              body: `The runner is not reachable right now; it will revoke the token at ${providerName} as soon as it is back. Until then you can revoke it yourself.`,
              ...(outcome.manualUrl ? { link: { href: outcome.manualUrl, label: `Revoke it at ${providerName}` } } : {}),
            });
          } else {
            toast.show({
              tone: "info",
              persist: true,
              title: `Disconnected from ${host}`,
              body: `${providerName} does not let us revoke this ${what}: it keeps working there until you revoke it yourself.`,
              ...(outcome.manualUrl ? { link: { href: outcome.manualUrl, label: `Revoke it at ${providerName}` } } : {}),
            });
          }
        },
      },
    );

  return (
    <>
      <Button variant="ghost" size="sm" className="text-red-800" onClick={() => setOpen(true)}>
        Disconnect<span className="sr-only"> {host}</span>
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Disconnect ${host}?`}
        confirmLabel="Disconnect"
        pending={call.pending}
        onConfirm={onConfirm}
        description={
          <div className="flex flex-col gap-2" data-testid="disconnect-description">
            <p>
              Your stored {what} for {host} is removed at once. Environments and agents can no longer clone, push or call {providerName} as you until you connect again.
            </p>
            {revokesAtProvider ? (
              <p>The token is also revoked at {providerName}, so it stops working there too. If the runner is offline, the revocation happens as soon as it is back.</p>
            ) : (
              <p>
                {providerName} does not let us revoke this {what}: it keeps working there until you revoke it yourself at{" "}
                <a href={manualUrl} target="_blank" rel="noreferrer noopener" className="font-medium text-brand-700 underline">
                  {manualUrl}
                  <span className="sr-only"> (opens in a new tab)</span>
                </a>
                .
              </p>
            )}
          </div>
        }
      />
    </>
  );
}
