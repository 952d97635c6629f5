"use client";

import type { ErrorDescription } from "@/lib/errors/error-description";
import { internalError } from "@/lib/errors/internal-error";
import { validationFailed } from "@/lib/errors/validation-failed";
import { ErrorAlertView } from "./error-alert-view";

/** A failed action's result, or a refusal the form made itself (`validation_failed`, no `entry`). */
export type FormFailure = { code: string; message?: string; entry?: ErrorDescription; fieldErrors?: Record<string, string[] | undefined> };

function described(failure: FormFailure): { code: string; entry: ErrorDescription } {
  if (failure.entry) return { code: failure.code, entry: failure.entry };
  return failure.code === "validation_failed" ? { code: failure.code, entry: validationFailed } : { code: "internal_error", entry: internalError };
}

/** A field the form shows its own errors next to: its label, and its input's id to link to. */
export type FormFieldRef = { label: string; id?: string };

/**
 * A refused form's error, said once: errors on fields the form shows (`fields`) stay next to
 * those fields, and this box then only counts them and links to each ("2 fields need attention:
 * Email, Role"), with the reason and remedy when the failure is more than invalid input; the
 * message is left out when it repeats a field's. Plain invalid input on shown fields needs no box
 * at all in a short form (focus moves to the field); a long form asks for the count (`summary`).
 * Errors on fields the form does not show, and failures with no field at fault, get the full box
 * with the explanation and remedy the failure carries.
 */
export function FormErrorAlert({ failure, fields, summary = false, docsLink = true }: { failure: FormFailure | null; fields: Record<string, FormFieldRef>; summary?: boolean; docsLink?: boolean }) {
  if (!failure) return null;
  const entries = Object.entries(failure.fieldErrors ?? {}).filter((e): e is [string, string[]] => Array.isArray(e[1]) && e[1].length > 0);
  const atFault = entries.filter(([name]) => name in fields);
  const elsewhere = entries.filter(([name]) => !(name in fields)).flatMap(([, messages]) => messages);
  const { code, entry } = described(failure);
  if (atFault.length === 0) {
    return <ErrorAlertView code={code} entry={entry} message={elsewhere.length > 0 ? elsewhere.join(" ") : failure.message} docsLink={docsLink} />;
  }
  if (code === "validation_failed" && elsewhere.length === 0 && !summary) return null;
  const inline = new Set(atFault.flatMap(([, messages]) => messages));
  const reason = code !== "validation_failed" ? (failure.message && !inline.has(failure.message) ? failure.message : entry.title) : null;
  const count = `${atFault.length} ${atFault.length === 1 ? "field needs" : "fields need"} attention`;
  return (
    <div role="alert" tabIndex={-1} className="rounded-md border border-red-700 bg-red-50 p-3 text-sm text-red-900" data-error-code={code} data-testid="form-error-summary">
      {reason ? <p className="font-semibold">{reason}</p> : null}
      <p className={reason ? "mt-1" : "font-semibold"}>
        {count}:{" "}
        {atFault.map(([name], i) => {
          const field = fields[name]!;
          return (
            <span key={name}>
              {i > 0 ? ", " : null}
              {field.id ? (
                <a
                  href={`#${field.id}`}
                  className="underline"
                  onClick={(e) => {
                    const target = document.getElementById(field.id!);
                    if (!target) return;
                    e.preventDefault();
                    target.focus();
                  }}
                >
                  {field.label}
                </a>
              ) : (
                field.label
              )}
            </span>
          );
        })}
        .
      </p>
      {elsewhere.length > 0 ? <p className="mt-1">{elsewhere.join(" ")}</p> : null}
      {code !== "validation_failed" ? (
        <p className="mt-1">
          <span className="font-medium">What to do: </span>
          {entry.remedy}
        </p>
      ) : null}
      {docsLink && code !== "validation_failed" ? (
        <p className="mt-1 text-xs">
          Error code <code className="font-mono">{code}</code>
        </p>
      ) : null}
    </div>
  );
}
