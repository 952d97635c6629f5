"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/result";
import { troubleshootingHref } from "@/lib/errors/troubleshooting-href";
import { useToast } from "./toast";

/**
 * Calls a server action with a fixed input (a button, not a form), shows the outcome as a toast
 * (errors with the remedy the result carries and a link to the code's troubleshooting entry). Actions
 * revalidate the page themselves.
 */
export function useActionCall<I, T>(action: (prev: ActionResult<T> | null, input: I) => Promise<ActionResult<T>>) {
  const [pending, startTransition] = useTransition();
  const [lastError, setLastError] = useState<ActionResult<T> | null>(null);
  const toast = useToast();

  const run = (input: I, opts: { success?: string; onSuccess?: (data: T) => void } = {}) =>
    startTransition(async () => {
      const result = await action(null, input);
      if (result.ok) {
        setLastError(null);
        if (opts.success) toast.show({ tone: "success", title: opts.success });
        opts.onSuccess?.(result.data);
      } else {
        setLastError(result);
        toast.show({ tone: "error", title: result.message || result.entry.title, body: result.entry.remedy, link: { href: troubleshootingHref(result.code), label: `Troubleshooting: ${result.code}` } });
      }
    });

  return { run, pending, lastError };
}
