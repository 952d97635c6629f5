"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { removeIntegrationAction } from "@/app/(settings)/settings/runners/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useActionCall } from "@/components/ui/use-action-call";

/** Removes an integration after saying how many users lose their connection. */
export function RemoveIntegrationButton({ integration, afterRemoveHref }: { integration: { id: string; host: string; users: number }; afterRemoveHref?: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const call = useActionCall(removeIntegrationAction);
  const users = integration.users;
  return (
    <>
      <Button variant="ghost" size="sm" className="text-red-800" onClick={() => setOpen(true)}>
        Remove<span className="sr-only"> {integration.host}</span>
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Remove ${integration.host} from this runner?`}
        description={
          <>
            People can no longer connect to {integration.host} through this runner. The credentials of <strong>{users === 1 ? "1 user" : `${users} users`}</strong> connected to it are deleted and they lose their connection. The OAuth application at the provider is not changed. This cannot be undone.
          </>
        }
        confirmLabel="Remove integration"
        pending={call.pending}
        onConfirm={() =>
          call.run({ integrationId: integration.id }, {
            success: `${integration.host} removed`,
            onSuccess: () => {
              setOpen(false);
              if (afterRemoveHref) router.push(afterRemoveHref);
            },
          })
        }
      />
    </>
  );
}
