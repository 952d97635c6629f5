"use client";

import { useId } from "react";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { LOOPBACK_STAND_IN_LABEL, providerFields } from "@/lib/integrations/provider-fields";
import type { Deployment } from "@/lib/integrations/schemas";
import { getProvider, providerIds, providers, type ProviderId } from "@/lib/providers";

export type LocationState = { provider: ProviderId; deployment: Deployment; host: string; issuerUrl: string; virtualDirectory: string; allowPrivateHosts: boolean };

/**
 * The name a host is stored under when it differs from what was typed: an internationalized name
 * becomes its ASCII (punycode) form, as the URL parser and DNS write it. Null when nothing changes
 * or the input is not a host yet.
 */
export function storedHostName(typed: string): string | null {
  const raw = typed.trim();
  if (!raw || /^[\x00-\x7f]*$/.test(raw)) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    return url.host !== raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/$/, "").toLowerCase() ? url.host : null;
  } catch {
    return null;
  }
}

/**
 * "Allow private network addresses": the runner refuses hosts that resolve to private addresses
 * unless the admin says the provider lives inside the company network.
 */
function PrivateHostsField({ checked, onChange, errors }: { checked: boolean; onChange: (checked: boolean) => void; errors: string[] | undefined }) {
  const hintId = useId();
  const errorId = useId();
  return (
    <div className="flex flex-col gap-1 sm:col-span-2">
      <label className="flex items-center gap-2 text-sm font-medium text-gray-900">
        <input
          type="checkbox"
          name="allowPrivateHosts"
          value="true"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={errors?.length ? `${hintId} ${errorId}` : hintId}
          aria-invalid={errors?.length ? true : undefined}
          className="h-4 w-4"
        />
        This host is on a private network
      </label>
      <p id={hintId} className="text-xs text-gray-700">
        Lets the runner connect when the host resolves to a private address (10.x, 172.16–31.x, 192.168.x, 100.64–127.x or fc00::/7). Link-local and cloud metadata addresses are always refused.
      </p>
      {errors?.length ? (
        <p id={errorId} className="text-xs text-red-700">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

const providerOptions = providerIds.map((id) => ({ value: id, label: providers[id].name }));

/**
 * Provider, where it runs (its cloud host or a self-hosted instance), and the fields that
 * deployment needs. Provider and host are fixed once the integration exists (`locked`). The
 * loopback stand-in for a provider without a self-hosted edition appears only with
 * `offerStandIn` (see `offersLoopbackStandIn`).
 */
export function LocationFields({
  value,
  onChange,
  onProviderChange,
  locked,
  allowLoopback,
  offerStandIn = false,
  errors,
}: {
  value: LocationState;
  onChange: (patch: Partial<LocationState>) => void;
  onProviderChange: (provider: ProviderId) => void;
  locked: boolean;
  allowLoopback: boolean;
  offerStandIn?: boolean;
  errors: Record<string, string[] | undefined>;
}) {
  const radioName = useId();
  const provider = getProvider(value.provider);
  const spec = providerFields[value.provider];
  const selfHostedLabel = spec.selfHostedLabel ?? (allowLoopback && offerStandIn ? LOOPBACK_STAND_IN_LABEL : null);
  const issuerRule = spec.issuerUrl[value.deployment];
  const directoryRule = spec.virtualDirectory[value.deployment];

  if (locked) {
    return (
      <dl className="grid gap-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="font-medium text-gray-700">Provider</dt>
          <dd className="mt-1 text-gray-900">{value.deployment === "cloud" ? spec.cloudLabel : (spec.selfHostedLabel ?? provider.name)}</dd>
        </div>
        <div>
          <dt className="font-medium text-gray-700">Host</dt>
          <dd className="mt-1 font-mono text-gray-900">{value.host}</dd>
        </div>
        {issuerRule !== "none" ? (
          <TextField label={issuerRule === "required" ? "Microsoft Entra ID issuer URL" : "Microsoft Entra ID issuer URL (optional)"} name="issuerUrl" value={value.issuerUrl} onChange={(e) => onChange({ issuerUrl: e.target.value })} errors={errors.issuerUrl} placeholder="https://login.microsoftonline.com/<tenant-id>/v2.0" />
        ) : null}
        {directoryRule !== "none" ? (
          <TextField label="Virtual directory (optional)" name="virtualDirectory" value={value.virtualDirectory} onChange={(e) => onChange({ virtualDirectory: e.target.value })} errors={errors.virtualDirectory} hint="The path of the collection on the server, for example tfs" />
        ) : null}
        {value.deployment === "self_hosted" ? <PrivateHostsField checked={value.allowPrivateHosts} onChange={(allowPrivateHosts) => onChange({ allowPrivateHosts })} errors={errors.allowPrivateHosts} /> : null}
        <p className="text-xs text-gray-700 sm:col-span-2">To use another provider or host, add a new integration and remove this one.</p>
      </dl>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <Select label="Provider" name="provider" options={providerOptions} value={value.provider} onChange={(e) => onProviderChange(e.target.value as ProviderId)} errors={errors.provider} className="max-w-xs" />
      <fieldset className="flex flex-col gap-2">
        <legend className="text-sm font-medium text-gray-900">Where it runs</legend>
        {(
          [
            ["cloud", spec.cloudLabel],
            ["self_hosted", selfHostedLabel],
          ] as const
        ).map(([deployment, label]) =>
          label ? (
            <label key={deployment} className="flex items-center gap-2 text-sm text-gray-900">
              <input type="radio" name={radioName} value={deployment} checked={value.deployment === deployment} onChange={() => onChange({ deployment })} className="h-4 w-4" />
              {label}
            </label>
          ) : null,
        )}
      </fieldset>
      {value.deployment === "self_hosted" ? (
        <TextField
          label="Host"
          name="host"
          value={value.host}
          onChange={(e) => onChange({ host: e.target.value })}
          placeholder={provider.hostPlaceholder}
          hint={hostHint(value.host, allowLoopback)}
          errors={errors.host}
          autoComplete="off"
          spellCheck={false}
          required
          className="max-w-md"
        />
      ) : null}
      {issuerRule !== "none" ? (
        <TextField
          label={issuerRule === "required" ? "Microsoft Entra ID issuer URL" : "Microsoft Entra ID issuer URL (optional)"}
          name="issuerUrl"
          value={value.issuerUrl}
          onChange={(e) => onChange({ issuerUrl: e.target.value })}
          placeholder="https://login.microsoftonline.com/<tenant-id>/v2.0"
          hint="Your tenant's issuer, from the app registration's endpoints in Microsoft Entra ID."
          errors={errors.issuerUrl}
          required={issuerRule === "required"}
          className="max-w-xl"
        />
      ) : null}
      {directoryRule !== "none" ? (
        <TextField label="Virtual directory (optional)" name="virtualDirectory" value={value.virtualDirectory} onChange={(e) => onChange({ virtualDirectory: e.target.value })} hint="The path of the collection on the server, for example tfs" errors={errors.virtualDirectory} className="max-w-md" />
      ) : null}
      {value.deployment === "self_hosted" ? <PrivateHostsField checked={value.allowPrivateHosts} onChange={(allowPrivateHosts) => onChange({ allowPrivateHosts })} errors={errors.allowPrivateHosts} /> : null}
    </div>
  );
}

/** What the host field accepts on this plane, and the stored form of an internationalized name. */
function hostHint(typed: string, allowLoopback: boolean): string {
  const base = allowLoopback
    ? "The host name, with a port if it is not 443. HTTPS only, no path; loopback hosts (localhost, 127.0.0.1) may use HTTP on this plane, for the provider sandbox."
    : "The host name, with a port if it is not 443. HTTPS only; no path.";
  const stored = storedHostName(typed);
  return stored ? `${base} It will be saved as ${stored}, the ASCII form of this name.` : base;
}
