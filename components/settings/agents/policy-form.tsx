"use client";

import { useId, useState } from "react";
import { updateAgentPolicyAction } from "@/app/(settings)/settings/agents/actions";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { Switch } from "@/components/ui/switch";
import { useToast } from "@/components/ui/toast";
import { useFormAction } from "@/components/ui/use-form-action";
import { capabilities, capabilityLabels, type Capability } from "@/lib/agents/capabilities";
import type { PolicyGroupOption } from "@/lib/agents/get-agent-policy-settings";
import { listWithAnd } from "@/lib/text/list-with-and";
import { GroupPicker } from "./group-picker";
import { modeOptions, type PolicyMode } from "./mode-options";

/** The form's field name for each capability (the action's schema names). */
const capabilityFields: Record<Capability, "pullRequests" | "issues" | "reviewComments"> = {
  pull_requests: "pullRequests",
  issues: "issues",
  review_comments: "reviewComments",
};

export type PolicyFormValues = { mode: PolicyMode; allowedGroupIds: string[]; capabilities: Record<Capability, boolean> };

/**
 * The admin's SCM-tools policy: who may use the tools (everyone, chosen groups, nobody) and which
 * capabilities they get. Saved as a whole; runners apply it from their next tool call. Which
 * providers have the tools comes from the provider registry, as the page passes it.
 */
export function AgentPolicyForm({ initial, groups, toolProviders }: { initial: PolicyFormValues; groups: PolicyGroupOption[]; toolProviders: { supported: string[]; unsupported: string[] } }) {
  const toast = useToast();
  const base = useId();
  const [mode, setMode] = useState<PolicyMode>(initial.mode);
  const [selected, setSelected] = useState<string[]>(initial.allowedGroupIds);
  const { pending, onSubmit, fieldErrors, error } = useFormAction(updateAgentPolicyAction, {
    onSuccess: () => toast.show({ tone: "success", title: "Agent policy saved", body: "It applies from every agent's next tool call." }),
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label="SCM tools policy" className="flex flex-col gap-6 rounded-lg border border-gray-300 bg-white p-4 md:p-6">
      <fieldset className="flex flex-col gap-3">
        <legend className="text-base font-semibold text-gray-900">Who may use SCM tools</legend>
        <p className="text-sm text-gray-700" data-testid="tool-providers">
          SCM tools let agents read, open and update pull requests and issues, their comments, reviews and checks through the provider&apos;s API, as the environment&apos;s owner.{" "}
          {toolProviders.unsupported.length > 0
            ? `They exist for ${listWithAnd(toolProviders.supported)}: for ${listWithAnd(toolProviders.unsupported)} they are not available at all, whatever this setting says.`
            : `They exist for every provider: ${listWithAnd(toolProviders.supported)}.`}
        </p>
        {modeOptions.map((option) => {
          const id = `${base}-mode-${option.value}`;
          const checked = mode === option.value;
          return (
            <div key={option.value} className={cn("rounded-md border p-3", checked ? "border-brand-600 bg-blue-50/40" : "border-gray-300")}>
              <div className="flex items-start gap-3">
                <input
                  id={id}
                  type="radio"
                  name="mode"
                  value={option.value}
                  checked={checked}
                  onChange={() => setMode(option.value)}
                  aria-describedby={`${id}-description`}
                  className="mt-1 h-4 w-4"
                />
                <div>
                  <label htmlFor={id} className="text-sm font-medium text-gray-900">
                    {option.label}
                  </label>
                  <p id={`${id}-description`} className="text-sm text-gray-700">
                    {option.description}
                  </p>
                </div>
              </div>
              {option.value === "groups" && checked ? (
                <div className="mt-3 pl-7">
                  <GroupPicker groups={groups} selected={selected} onChange={setSelected} errors={fieldErrors?.allowedGroupIds} />
                </div>
              ) : null}
            </div>
          );
        })}
      </fieldset>

      <fieldset className="flex flex-col gap-3">
        <legend className="text-base font-semibold text-gray-900">Capabilities</legend>
        <p className="text-sm text-gray-700">
          {mode === "disabled" ? "These apply again when you enable SCM tools; while the tools are disabled, every call is refused." : "Turn off what agents should not do, for everyone the tools are enabled for."}
        </p>
        <p className="text-sm text-gray-700">The tools that say who the owner is and list a repository&apos;s labels and assignable users need no capability: they are allowed whenever the tools are.</p>
        {capabilities.map((c) => (
          <Switch
            key={c}
            name={capabilityFields[c]}
            label={capabilityLabels[c].label}
            description={capabilityLabels[c].description}
            defaultChecked={initial.capabilities[c]}
            disabled={mode === "disabled"}
          />
        ))}
      </fieldset>

      {error && !error.fieldErrors?.allowedGroupIds ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} /> : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending}>
          Save policy
        </Button>
        <p className="text-xs text-gray-700">Saved changes apply from the next tool call of every running agent, and are recorded in the audit log.</p>
      </div>
    </form>
  );
}
