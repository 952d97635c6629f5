"use client";

import { useEffect, useRef } from "react";

/**
 * After a refused submission, moves focus to the form's first field marked invalid (or, with none
 * marked, to its first field), so keyboard and screen-reader users land where the problem is.
 */
export function useFocusFirstInvalid(error: object | null) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!error) return;
    const form = formRef.current;
    const target = form?.querySelector<HTMLElement>("[aria-invalid='true']") ?? form?.querySelector<HTMLElement>("input:not([type='hidden'])");
    target?.focus();
  }, [error]);
  return formRef;
}
