"use client";

import { useEffect, useRef } from "react";
import { PatConnectForm } from "./pat-connect-form";

/**
 * The PAT form as `PatDialog` loads it, on demand. The dialog focuses its `data-autofocus` field
 * when it opens; when it opened before the form had arrived (a click right after the page
 * loaded), the form focuses that field itself as it appears, unless the person has already moved
 * into it.
 */
export function PatFormInDialog(props: React.ComponentProps<typeof PatConnectForm>) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = ref.current;
    if (!box?.closest("dialog")?.open || box.contains(document.activeElement)) return;
    box.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }, []);
  return (
    <div ref={ref} className="contents">
      <PatConnectForm {...props} />
    </div>
  );
}
