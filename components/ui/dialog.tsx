"use client";

import { useEffect, useId, useRef, useSyncExternalStore } from "react";
import { Button } from "./button";

export type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: React.ReactNode;
  children?: React.ReactNode;
};

const subscribeNever = () => () => {};

/** False on the server and while hydrating, true from then on. */
function useHydrated(): boolean {
  return useSyncExternalStore(subscribeNever, () => true, () => false);
}

/**
 * A modal dialog on the native <dialog> element: the browser traps focus, Escape closes it and
 * focus returns to the element that opened it. The child marked `data-autofocus` gets focus when
 * it opens (otherwise the first focusable one does).
 *
 * A closed dialog is left out of the server's HTML (it is invisible and absent from the
 * accessibility tree, and a table with a confirmation per row would send one per row) and added
 * in the browser right after hydration, so opening it works exactly as if it had been there.
 */
export function Dialog({ open, onClose, title, description, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const hydrated = useHydrated();

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) {
      el.showModal();
      // React handles `autoFocus` itself, before the dialog is shown (when focusing fails), and never
      // writes the attribute the browser's own dialog focusing looks for; so mark the element with
      // `data-autofocus` and focus it once the dialog is open.
      el.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    if (!open && el.open) el.close();
  }, [open, hydrated]);

  if (!open && !hydrated) return null;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
      className="m-auto w-full max-w-lg rounded-lg bg-white p-6 text-gray-900 shadow-xl"
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {title}
      </h2>
      {description ? (
        <div id={descriptionId} className="mt-2 text-sm text-gray-700">
          {description}
        </div>
      ) : null}
      {open ? <div className="mt-4">{children}</div> : null}
    </dialog>
  );
}

/** A confirmation dialog that says plainly what will happen before a destructive change. */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  confirmLabel,
  pending,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  pending?: boolean;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title} description={description}>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose} data-autofocus>
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm} pending={pending}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
