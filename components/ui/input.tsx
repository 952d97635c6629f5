import { useId } from "react";
import { cn } from "./cn";

export type TextFieldProps = React.ComponentProps<"input"> & {
  label: string;
  hint?: string;
  errors?: string[];
};

/** A labelled input with its hint and errors wired to aria-describedby / aria-invalid. */
export function TextField({ label, hint, errors, id, className, ...rest }: TextFieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = errors?.length ? `${inputId}-error` : undefined;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={inputId} className="text-sm font-medium text-gray-900">
        {label}
      </label>
      <input
        id={inputId}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        aria-invalid={errorId ? true : undefined}
        className={cn(
          "rounded-md border bg-white px-3 py-2 text-sm text-gray-900 placeholder:text-gray-500",
          errorId ? "border-red-700" : "border-gray-400",
        )}
        {...rest}
      />
      {hint ? (
        <p id={hintId} className="text-xs text-gray-600">
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p id={errorId} className="text-xs text-red-700">
          {errors?.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
