"use client";

import { Switch } from "@/components/ui/switch";
import type { ScopeRequirement } from "@/lib/providers/types";
import { ScopeCheckboxes } from "./scope-checkboxes";

/** Personal access tokens for one integration: on/off, the scopes people's tokens need, and where they create them. */
export function PatFields(props: {
  enabled: boolean;
  onEnabledChange: (on: boolean) => void;
  patLabel: string;
  creationUrl: string | null;
  scopes: ScopeRequirement[];
  selectedScopes: string[];
  onScopesChange: (next: string[]) => void;
  errors: Record<string, string[] | undefined>;
}) {
  return (
    <div className="flex flex-col gap-4">
      <Switch label="Personal access tokens" description={`People paste a token they create themselves: ${props.patLabel}.`} checked={props.enabled} onCheckedChange={props.onEnabledChange} />
      {props.enabled ? (
        <div className="flex flex-col gap-3 border-l-2 border-gray-200 pl-4">
          <ScopeCheckboxes legend="Scopes people's tokens need" scopes={props.scopes} selected={props.selectedScopes} onChange={props.onScopesChange} errors={props.errors.patScopes} />
          {props.creationUrl ? (
            <p className="text-xs text-gray-700">
              People will be sent to{" "}
              <a href={props.creationUrl} target="_blank" rel="noreferrer noopener" className="break-all font-medium text-brand-700 underline">
                the token page
                <span className="sr-only"> (opens in a new tab)</span>
              </a>{" "}
              with these scopes filled in where the provider supports it.
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
