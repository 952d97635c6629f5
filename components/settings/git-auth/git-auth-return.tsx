"use client";

import { useRouter } from "next/navigation";
import { useCallback } from "react";
import { OAuthReturnNotice } from "./oauth-return-notice";
import type { ReturnError } from "./oauth-return-status";

/** The OAuth return banner of Settings > Git Authentications: once connected, the rows reload. */
export function GitAuthReturn(props: { jobId: string | null; error: ReturnError | null; host: string | null }) {
  const router = useRouter();
  const refresh = useCallback(() => router.refresh(), [router]);
  return <OAuthReturnNotice {...props} onConnected={refresh} />;
}
