"use client";

import { useId } from "react";
import { TextField } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { LOOPBACK_STAND_IN_LABEL, providerFields } from "@/lib/integrations/provider-fields";
import type { Deployment } from "@/lib/integrations/schemas";
import { getProvider, providerIds, providers, type ProviderId } from "@/lib/providers";

export type LocationState = { provider: ProviderId; deployment: Deployment; host: string; issuerUrl: string; virtualDirectory: string };

const providerOptions = providerIds.map((id) => ({ value: id, label: providers[id].name }));

/**
 * Provider, where it runs (its cloud host or a self-hosted instance), and the fields that
 * deployment needs. Provider and host are fixed once the integration exists (`locked`).
 */
export function LocationFields({
  value,
  onChange,
  onProviderChange,
  locked,
  allowLoopback,
  errors,
}: {
  value: LocationState;
  onChange: (patch: Partial<LocationState>) => void;
  onProviderChange: (provider: ProviderId) => void;
  locked: boolean;
  allowLoopback: boolean;
  errors: Record<string, string[] | undefined>;
}) {
  const radioName = useId();
  const provider = getProvider(value.provider);
  const spec = providerFields[value.provider];
  const selfHostedLabel = spec.selfHostedLabel ?? (allowLoopback ? LOOPBACK_STAND_IN_LABEL : null);
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
          hint="The host name, with a port if it is not 443. HTTPS only; no path."
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
    </div>
  );
}
