import { CopyButton } from "@/components/ui/copy-button";

/** A command to run on the runner's host, with a label, a copy button and what it is for. */
export function EnvironmentCommand({ label, command, hint }: { label: string; command: string; hint?: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-gray-900">
          {label}
        </h3>
        <CopyButton value={command} label="Copy command" />
      </div>
      <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-gray-900 p-3 font-mono text-xs text-gray-100" data-command={label}>
        <code>{command}</code>
      </pre>
      {hint ? <p className="text-xs text-gray-700">{hint}</p> : null}
    </div>
  );
}
