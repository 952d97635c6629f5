"use client";

import { startTransition, useActionState, useEffect, useRef } from "react";
import type { ActionResult } from "@/lib/actions/result";

type Action<T> = (prev: ActionResult<T> | null, input: FormData) => Promise<ActionResult<T>>;

/**
 * Runs a server action from a form without React's automatic form reset, so a failed submission
 * keeps what the person typed (the server never echoes it back). `onSuccess` runs once per success;
 * `resetOnSuccess` clears the form then.
 *
 * Pass `formAction` as the form's `action` too: React then renders the form as a POST to the
 * server action, so a form submitted before the page's JavaScript runs still works and never puts
 * its fields (a password) in the URL, as a form without a method would with GET.
 */
export function useFormAction<T>(action: Action<T>, opts: { onSuccess?: (data: T) => void; resetOnSuccess?: boolean } = {}) {
  const [state, dispatch, pending] = useActionState(action, null);
  // The submitting form, captured in the event handler (never read during render).
  const formRef = useRef<HTMLFormElement | null>(null);
  const handled = useRef<ActionResult<T> | null>(null);
  const { onSuccess, resetOnSuccess } = opts;

  useEffect(() => {
    if (!state || handled.current === state) return;
    handled.current = state;
    if (state.ok) {
      if (resetOnSuccess) formRef.current?.reset();
      onSuccess?.(state.data);
    }
  }, [state, onSuccess, resetOnSuccess]);

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    formRef.current = event.currentTarget;
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };

  const fieldErrors = state && !state.ok ? state.fieldErrors : undefined;
  return { state, pending, onSubmit, formAction: dispatch, fieldErrors, error: state && !state.ok ? state : null };
}
