"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import type { OAuthReturnStatus as OAuthReturnStatusComponent } from "./oauth-return-status";

/**
 * The OAuth return banner and its live part (react-query, the job's polling) in a chunk of their
 * own: a page shows it only when the provider has just sent the person back (`?connecting=` or
 * `?error=`), so on every other visit the page loads none of it. When it is shown the server
 * renders it and the chunk comes with the page.
 */
const OAuthReturnStatus = dynamic(() => import("./oauth-return-status").then((m) => m.OAuthReturnStatus));

type Props = React.ComponentProps<typeof OAuthReturnStatusComponent>;

/**
 * `OAuthReturnStatus` when the page was opened by the provider's return. Whether it was is taken
 * once, like the banner's own values: the banner drops the query from the URL, and a later refresh
 * (once connected) renders the page without it, but the banner stays with its outcome.
 */
export function OAuthReturnNotice(props: Props) {
  const [returning] = useState(props.jobId !== null || props.error !== null);
  return returning ? <OAuthReturnStatus {...props} /> : null;
}
