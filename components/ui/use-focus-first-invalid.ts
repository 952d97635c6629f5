"use client";

import { useEffect, useRef } from "react";

/**
 * After a refused submission, moves focus where the problem is, the same way in every form: to the
 * first field marked invalid (`aria-invalid`) inside the returned ref's element; with no field at
 * fault, to the error box (`role="alert"`, focusable with `tabindex="-1"`) inside it; else to its
 * first field. Pass the failure (a new object per refusal, null when there is none); put the ref
 * on an element holding both the fields and the error box (the form, or its wrapper).
 */
export function useFocusFirstInvalid<T extends HTMLElement = HTMLFormElement>(error: object | null) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!error) return;
    const root = ref.current;
    const target =
      root?.querySelector<HTMLElement>("[aria-invalid='true']:not(:disabled)") ??
      root?.querySelector<HTMLElement>("[role='alert'][tabindex='-1']") ??
      root?.querySelector<HTMLElement>("input:not([type='hidden']):not(:disabled), select:not(:disabled), textarea:not(:disabled)");
    target?.focus();
  }, [error]);
  return ref;
}
