"use client";

import { useId, useState } from "react";
import { cn } from "./cn";

/**
 * An on/off switch (role="switch"). With `name`, it also submits its state in forms as
 * "true"/"false".
 */
export function Switch({
  label,
  description,
  name,
  defaultChecked = false,
  checked: controlled,
  onCheckedChange,
  disabled,
}: {
  label: string;
  description?: string;
  name?: string;
  defaultChecked?: boolean;
  checked?: boolean;
  onCheckedChange?: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const [uncontrolled, setUncontrolled] = useState(defaultChecked);
  const checked = controlled ?? uncontrolled;
  const labelId = useId();
  const descriptionId = useId();
  return (
    <div className="flex items-start gap-3">
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={labelId}
        aria-describedby={description ? descriptionId : undefined}
        disabled={disabled}
        onClick={() => {
          const next = !checked;
          setUncontrolled(next);
          onCheckedChange?.(next);
        }}
        className={cn(
          "relative mt-0.5 inline-flex h-6 w-11 shrink-0 rounded-full border-2 border-transparent transition-colors disabled:opacity-50",
          checked ? "bg-brand-600" : "bg-gray-500",
        )}
      >
        <span aria-hidden="true" className={cn("inline-block h-5 w-5 rounded-full bg-white shadow transition-transform", checked ? "translate-x-5" : "translate-x-0")} />
      </button>
      <div>
        <span id={labelId} className="text-sm font-medium text-gray-900">
          {label}
        </span>
        {description ? (
          <p id={descriptionId} className="text-xs text-gray-600">
            {description}
          </p>
        ) : null}
      </div>
      {name ? <input type="hidden" name={name} value={checked ? "true" : "false"} /> : null}
    </div>
  );
}
