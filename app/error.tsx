"use client";

import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { internalError } from "@/lib/errors/internal-error";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main id="main" className="mx-auto max-w-lg px-6 py-24">
      <h1 className="mb-4 text-2xl font-bold text-gray-900">Something went wrong</h1>
      <ErrorAlertView code="internal_error" entry={internalError} />
      <Button className="mt-4" onClick={reset}>
        Try again
      </Button>
    </main>
  );
}
