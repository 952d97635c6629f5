"use client";

import { useId } from "react";
import { CopyButton } from "@/components/ui/copy-button";

/** The one-time invitation link, shown once right after it is created. */
export function InviteLink({ email, url, expiresAt }: { email?: string; url: string; expiresAt: string }) {
  const inputId = useId();
  return (
    <div className="rounded-md border border-green-700 bg-green-50 p-3 text-sm text-green-900" role="status">
      <p className="font-medium">{email ? `Invitation link for ${email}` : "New invitation link"}</p>
      <p className="mt-1">Send this link to them. It works once, until {new Date(expiresAt).toLocaleDateString("en", { dateStyle: "medium" })}, and is not shown again.</p>
      <div className="mt-2 flex items-center gap-2">
        <label className="sr-only" htmlFor={inputId}>
          Invitation link
        </label>
        <input id={inputId} readOnly value={url} className="min-w-0 flex-1 rounded border border-gray-400 bg-white px-2 py-1 font-mono text-xs text-gray-900" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={url} label="Copy link" />
      </div>
    </div>
  );
}
