"use client";

import { useActionState } from "react";
import { startOAuthAction } from "@/app/(settings)/settings/git-authentications/actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";

/**
 * A form that posts to the server action starting OAuth; the action answers with a redirect to
 * the provider, so it also works before the page's JavaScript has loaded.
 */
export function OAuthConnectButton({
  integrationId,
  returnTo,
  label,
  accessibleSuffix,
  variant = "primary",
}: {
  integrationId: string;
  returnTo: string;
  label: string;
  /** Said to screen readers after the label, to tell rows apart ("for github.com"). */
  accessibleSuffix?: string;
  variant?: "primary" | "secondary";
}) {
  const [state, formAction, pending] = useActionState(startOAuthAction, null);
  return (
    <form action={formAction} className="contents">
      <input type="hidden" name="integrationId" value={integrationId} />
      <input type="hidden" name="returnTo" value={returnTo} />
      <Button type="submit" size="sm" variant={variant} pending={pending}>
        {label}
        {accessibleSuffix ? <span className="sr-only"> {accessibleSuffix}</span> : null}
      </Button>
      {state && !state.ok ? (
        <div className="basis-full">
          <ErrorAlertView code={state.code} entry={state.entry} message={state.message} />
        </div>
      ) : null}
    </form>
  );
}
