"use client";

import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { internalError } from "@/lib/errors/internal-error";

export default function SettingsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="max-w-xl">
      <ErrorAlertView code="internal_error" entry={internalError} />
      <Button className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
