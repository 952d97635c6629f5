"use client";

import { useState } from "react";
import { setRetentionAction } from "@/app/(settings)/settings/account/retention-actions";
import { Button } from "@/components/ui/button";
import { ErrorAlertView } from "@/components/ui/error-alert-view";
import { TextField } from "@/components/ui/input";
import { useFormAction } from "@/components/ui/use-form-action";
import type { RetentionSetting } from "@/lib/orgs/retention";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";

const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;

/**
 * How long Diagnostics events, agent activity and finished jobs are kept (admins). Empty means the
 * plane's default (RETENTION_EVENTS_DAYS); the next sweep, within minutes, applies a change.
 */
export function RetentionForm({ setting }: { setting: RetentionSetting }) {
  const [current, setCurrent] = useState(setting);
  const [saved, setSaved] = useState(false);
  const { pending, onSubmit, formAction, fieldErrors, error } = useFormAction(setRetentionAction, {
    onSuccess: (next) => {
      setCurrent(next);
      setSaved(true);
    },
  });
  const formRef = useFocusFirstInvalid(error);
  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={(e) => {
        setSaved(false);
        onSubmit(e);
      }}
      className="flex flex-col gap-3"
      noValidate
    >
      {error && !error.fieldErrors ? <ErrorAlertView code={error.code} entry={error.entry} message={error.message} docsLink={false} /> : null}
      <TextField
        label="Keep records for (days)"
        name="retentionDays"
        type="number"
        inputMode="numeric"
        min={1}
        max={3650}
        defaultValue={setting.days ?? ""}
        placeholder={String(setting.defaultDays)}
        hint={`Diagnostics events, agent activity and finished runner jobs older than this are deleted. Leave empty for this installation's default, ${days(setting.defaultDays)}.`}
        errors={fieldErrors?.retentionDays}
        className="max-w-[12rem]"
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={pending}>
          Save retention
        </Button>
        <p role="status" className="text-sm text-green-800">
          {saved ? `Records are kept for ${days(current.effectiveDays)}${current.days === null ? " (the default)" : ""}. Older ones go at the next sweep, within minutes.` : ""}
        </p>
      </div>
    </form>
  );
}
