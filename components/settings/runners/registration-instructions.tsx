"use client";

import { useId } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { runnerInstallCommands, type RunnerInstall } from "@/lib/runners/runner-install";
import { formatDateTime } from "@/components/ui/format-time";

function Command({ label, command }: { label: string; command: string }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <p id={id} className="text-xs font-medium text-gray-800">
        {label}
      </p>
      <div className="flex flex-col items-start gap-2 sm:flex-row">
        <pre tabIndex={0} aria-labelledby={id} className="w-full min-w-0 flex-1 overflow-x-auto whitespace-pre-wrap break-words rounded bg-gray-900 px-3 py-2 font-mono text-xs text-white">
          {command}
        </pre>
        <CopyButton value={command} label="Copy command" />
      </div>
    </div>
  );
}

/**
 * The one-time registration token with the exact commands to install the runner artifact this
 * server serves, register it and keep it running. Shown once, right after the token is issued;
 * only its hash is stored.
 */
export function RegistrationInstructions({ runnerName, token, expiresAt, install }: { runnerName: string; token: string; expiresAt: string; install: RunnerInstall }) {
  const inputId = useId();
  const commands = runnerInstallCommands(install, token);
  return (
    <div className="rounded-md border border-green-700 bg-green-50 p-3 text-sm text-green-900" role="status" data-testid="registration-instructions">
      <p className="font-medium">Registration token for {runnerName}</p>
      <p className="mt-1">
        Copy it now: it is shown only once, works once, and expires on {formatDateTime(expiresAt)} (24 hours). If it is lost or expires, rotate the registration token.
      </p>
      <div className="mt-2 flex items-center gap-2">
        <label className="sr-only" htmlFor={inputId}>
          Registration token
        </label>
        <input id={inputId} readOnly value={token} className="min-w-0 flex-1 rounded border border-gray-400 bg-white px-2 py-1 font-mono text-xs text-gray-900" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={token} label="Copy token" />
      </div>
      <div className="mt-3 flex flex-col gap-2 text-gray-900">
        <p className="text-gray-800">
          On the machine that will run it (Linux with Node 20.9 or newer and git; as root, each environment gets an OS user of its own):
        </p>
        {commands.install && install.artifact ? (
          <Command label={`1. Install runner ${install.artifact.version} (sha256 ${install.artifact.sha256.slice(0, 16)}…)`} command={commands.install} />
        ) : (
          <p className="rounded border border-yellow-700 bg-yellow-50 px-2 py-1 text-yellow-900">
            1. This server has no runner artifact to hand out (it was started without its build). Start it with <code>npm start</code>, or run <code>npm run build</code>, then reload this page.
          </p>
        )}
        <Command label="2. Register (creates the runner's key pair and exchanges the token)" command={commands.register} />
        <Command label="3. Keep it running as a systemd service (or run it in the foreground: sudo scm-runner start)" command={commands.service} />
      </div>
    </div>
  );
}
