import { useId } from "react";
import { cn } from "./cn";

export type SelectProps = React.SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  /** Visually hide the label (it stays available to screen readers). */
  hideLabel?: boolean;
  options: ReadonlyArray<{ value: string; label: string }>;
  errors?: string[];
};

/** A labelled native select: keyboard and screen-reader behaviour come from the browser. */
export function Select({ label, hideLabel, options, errors, id, className, ...rest }: SelectProps) {
  const autoId = useId();
  const selectId = id ?? autoId;
  const errorId = errors?.length ? `${selectId}-error` : undefined;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={selectId} className={cn("text-sm font-medium text-gray-900", hideLabel && "sr-only")}>
        {label}
      </label>
      <select
        id={selectId}
        aria-describedby={errorId}
        aria-invalid={errorId ? true : undefined}
        className="rounded-md border border-gray-400 bg-white px-2.5 py-1.5 text-sm text-gray-900"
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {errorId ? (
        <p id={errorId} className="text-xs text-red-700">
          {errors?.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
