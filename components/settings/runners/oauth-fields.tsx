"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import type { ScopeRequirement } from "@/lib/providers/types";
import { ScopeCheckboxes } from "./scope-checkboxes";

export type SecretState = "enter" | "stored" | "reenter";

/**
 * OAuth for one integration: the callback URL to register (with a copy button), where to register
 * the application, the client id, the client secret (write-only: once stored it is never shown
 * again, and replacing it is an explicit choice), and the scopes with their reasons.
 */
export function OAuthFields(props: {
  enabled: boolean;
  onEnabledChange: (on: boolean) => void;
  callbackUrl: string;
  registrationUrl: string | null;
  providerName: string;
  clientId: string;
  onClientIdChange: (v: string) => void;
  secret: string;
  onSecretChange: (v: string) => void;
  secretState: SecretState;
  onReplaceSecret: (replace: boolean) => void;
  replacing: boolean;
  canSeal: boolean;
  scopes: ScopeRequirement[];
  selectedScopes: string[];
  onScopesChange: (next: string[]) => void;
  errors: Record<string, string[] | undefined>;
}) {
  const callbackId = useId();
  const showSecretInput = props.secretState !== "stored" || props.replacing;
  return (
    <div className="flex flex-col gap-4">
      <Switch
        label="OAuth"
        description="People connect by signing in at the provider (recommended: tokens refresh by themselves)."
        checked={props.enabled}
        onCheckedChange={props.onEnabledChange}
        disabled={!props.canSeal && !props.enabled}
      />
      {!props.canSeal ? (
        <p className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">
          OAuth needs a client secret sealed to this runner&apos;s key, and the runner has not registered yet. Register it first; this page updates when it comes online.
        </p>
      ) : null}
      {props.enabled ? (
        <div className="flex flex-col gap-4 border-l-2 border-gray-200 pl-4">
          <div className="flex flex-col gap-1">
            <label htmlFor={callbackId} className="text-sm font-medium text-gray-900">
              Callback URL
            </label>
            <div className="flex items-center gap-2">
              <input id={callbackId} readOnly value={props.callbackUrl} aria-describedby={`${callbackId}-hint`} className="min-w-0 flex-1 rounded border border-gray-400 bg-gray-50 px-2 py-1.5 font-mono text-xs text-gray-900" onFocus={(e) => e.currentTarget.select()} />
              <CopyButton value={props.callbackUrl} label="Copy callback URL" />
            </div>
            <p id={`${callbackId}-hint`} className="text-xs text-gray-700">
              Register an OAuth application at {props.providerName} with exactly this callback (redirect) URL, then paste its client id and secret below.{" "}
              {props.registrationUrl ? (
                <a href={props.registrationUrl} target="_blank" rel="noreferrer noopener" className="font-medium text-brand-700 underline">
                  Register the application at {props.providerName}
                  <span className="sr-only"> (opens in a new tab)</span>
                </a>
              ) : null}
            </p>
          </div>
          <TextField label="Client id" name="oauthClientId" value={props.clientId} onChange={(e) => props.onClientIdChange(e.target.value)} errors={props.errors.oauthClientId} autoComplete="off" spellCheck={false} className="max-w-md" />
          {props.secretState === "reenter" && !props.replacing ? (
            <p className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950" data-testid="secret-reenter">
              Client secret must be re-entered: the runner registered again with a new key, so it can no longer open the stored secret.
            </p>
          ) : null}
          {showSecretInput ? (
            <div className="flex items-end gap-2">
              <TextField
                label={props.secretState === "stored" ? "New client secret" : "Client secret"}
                type="password"
                value={props.secret}
                onChange={(e) => props.onSecretChange(e.target.value)}
                errors={props.errors.oauthClientSecret}
                hint="Encrypted in your browser to this runner's key before it is sent; this server never sees it."
                autoComplete="new-password"
                spellCheck={false}
                className="max-w-md flex-1"
              />
              {props.secretState === "stored" ? (
                <Button variant="secondary" size="sm" className="mb-6" onClick={() => props.onReplaceSecret(false)}>
                  Keep the stored secret
                </Button>
              ) : null}
            </div>
          ) : (
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <p className="text-gray-800" data-testid="secret-stored">
                A client secret is stored, sealed to this runner&apos;s key. It is never shown again.
              </p>
              <Button variant="secondary" size="sm" onClick={() => props.onReplaceSecret(true)}>
                Replace secret
              </Button>
              {props.errors.oauthClientSecret ? <p className="w-full text-xs text-red-700">{props.errors.oauthClientSecret.join(" ")}</p> : null}
            </div>
          )}
          <ScopeCheckboxes legend="OAuth scopes to request" scopes={props.scopes} selected={props.selectedScopes} onChange={props.onScopesChange} errors={props.errors.oauthScopes} />
        </div>
      ) : null}
    </div>
  );
}
