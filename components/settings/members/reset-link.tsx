"use client";

import { useId } from "react";
import { CopyButton } from "@/components/ui/copy-button";

/** A password reset link, shown once right after it is created, for the admin to hand over. */
export function ResetLink({ email, url, expiresAt }: { email: string; url: string; expiresAt: string }) {
  const inputId = useId();
  const until = new Date(expiresAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="rounded-md border border-green-700 bg-green-50 p-3 text-sm text-green-900" role="status">
      <p>
        Give this link to {email} yourself (this server sends no email). It works once, until {until}, and is not shown again. Using it
        signs them out everywhere; any earlier reset link of theirs no longer works.
      </p>
      <div className="mt-2 flex items-center gap-2">
        <label className="sr-only" htmlFor={inputId}>
          Password reset link
        </label>
        <input
          id={inputId}
          readOnly
          value={url}
          className="min-w-0 flex-1 rounded border border-gray-400 bg-white px-2 py-1 font-mono text-xs text-gray-900"
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton value={url} label="Copy link" />
      </div>
    </div>
  );
}
