"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast";
import type { PatTarget } from "./pat-connect-form";

/**
 * The form (with the provider's token instructions) in a chunk of its own, out of the page's first
 * load: a page of hosts shows the buttons, rarely the form. It starts loading when the button is
 * pointed at or focused, so it is usually there when the dialog opens (and focuses its field
 * itself when it arrives later).
 */
const loadForm = () => import("./pat-form-in-dialog");
const PatConnectForm = dynamic(() => loadForm().then((m) => m.PatFormInDialog), {
  loading: () => <p className="text-sm text-gray-700">Loading the form…</p>,
});

/** "Use a personal access token": opens the PAT form in a dialog; on success the row refreshes. */
export function PatDialog({ target, userId, label }: { target: PatTarget; userId: string; label: string }) {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const toast = useToast();
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)} onPointerEnter={() => void loadForm()} onFocus={() => void loadForm()}>
        {label}
        <span className="sr-only"> for {target.host}</span>
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Connect ${target.host} with a personal access token`}
        description={<p>Your token is validated by the runner {target.runnerName}: it checks who it belongs to, its scopes and its expiry.</p>}
      >
        <PatConnectForm
          target={target}
          userId={userId}
          autoFocus
          onCancel={() => setOpen(false)}
          onConnected={(result) => {
            setOpen(false);
            toast.show({ tone: "success", title: `Connected to ${target.host} as @${result.login}` });
            router.refresh();
          }}
        />
      </Dialog>
    </>
  );
}
