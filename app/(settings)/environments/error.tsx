"use client";

import { Button } from "@/components/ui/button";
import { ErrorAlert } from "@/components/ui/error-alert";

export default function EnvironmentsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="max-w-xl">
      <ErrorAlert code="internal_error" />
      <Button className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
