"use client";

import { useId } from "react";
import type { ScopeRequirement } from "@/lib/providers/types";

/** The scopes of one auth method as checkboxes, each with the reason the product needs it. */
export function ScopeCheckboxes({
  legend,
  scopes,
  selected,
  onChange,
  errors,
  disabled,
}: {
  legend: string;
  scopes: ScopeRequirement[];
  selected: string[];
  onChange: (next: string[]) => void;
  errors?: string[];
  disabled?: boolean;
}) {
  const base = useId();
  const errorId = errors?.length ? `${base}-error` : undefined;
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={errorId} disabled={disabled}>
      <legend className="text-sm font-medium text-gray-900">{legend}</legend>
      <ul className="flex flex-col gap-2">
        {scopes.map((s, i) => {
          const id = `${base}-${i}`;
          return (
            <li key={s.scope} className="flex items-start gap-2">
              <input
                id={id}
                type="checkbox"
                className="mt-0.5 h-4 w-4 rounded border-gray-500"
                checked={selected.includes(s.scope)}
                aria-describedby={`${id}-reason`}
                onChange={(e) => onChange(e.target.checked ? [...selected, s.scope] : selected.filter((x) => x !== s.scope))}
              />
              <span className="text-sm">
                <label htmlFor={id} className="font-mono text-gray-900">
                  {s.scope}
                </label>
                <span id={`${id}-reason`} className="block text-xs text-gray-700">
                  {s.reason}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
      {errorId ? (
        <p id={errorId} className="text-xs text-red-700">
          {errors?.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
