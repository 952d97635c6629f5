"use client";

import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";
import type { RunnerInstall } from "@/lib/runners/runner-install";
import type { RunnerDialog, RunnerRef } from "./runner-dialogs";

/**
 * The confirmations and the registration instructions, in a chunk of their own: every row of the
 * list has these buttons, few are ever pressed, so the chunk loads at the first click.
 */
const RunnerDialogs = lazy(() => import("./runner-dialogs").then((m) => ({ default: m.RunnerDialogs })));

/** Rotate the registration token (with what re-registering means) and delete the runner (with what it takes along). */
export function RunnerActions({ runner, install, afterDeleteHref }: { runner: RunnerRef; install: RunnerInstall; afterDeleteHref?: string }) {
  const [open, setOpen] = useState<RunnerDialog>(null);
  const [asked, setAsked] = useState(false);
  const show = (dialog: RunnerDialog) => {
    setAsked(true);
    setOpen(dialog);
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" size="sm" onClick={() => show("rotate")}>
        Rotate registration token<span className="sr-only"> for {runner.name}</span>
      </Button>
      <Button variant="ghost" size="sm" className="text-red-800" onClick={() => show("delete")}>
        Delete<span className="sr-only"> runner {runner.name}</span>
      </Button>
      {asked ? (
        <Suspense fallback={null}>
          <RunnerDialogs runner={runner} install={install} afterDeleteHref={afterDeleteHref} open={open} onClose={() => setOpen(null)} />
        </Suspense>
      ) : null}
    </div>
  );
}
