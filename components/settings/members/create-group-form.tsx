"use client";

import { createGroupAction } from "@/app/(settings)/settings/members/actions";
import { Button } from "@/components/ui/button";
import { FormErrorAlert } from "@/components/ui/error-alert-form";
import { TextField } from "@/components/ui/input";
import { useFocusFirstInvalid } from "@/components/ui/use-focus-first-invalid";
import { useFormAction } from "@/components/ui/use-form-action";
import { useToast } from "@/components/ui/toast";

export function CreateGroupForm() {
  const toast = useToast();
  const { pending, onSubmit, fieldErrors, error } = useFormAction(createGroupAction, {
    resetOnSuccess: true,
    onSuccess: () => toast.show({ tone: "success", title: "Group created" }),
  });
  const formRef = useFocusFirstInvalid(error);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-3 rounded-lg border border-gray-300 bg-white p-4 md:grid-cols-[1fr_2fr_auto] md:items-end" noValidate aria-label="Create a group">
      <TextField label="Group name" name="name" required maxLength={100} errors={fieldErrors?.name} />
      <TextField label="Description (optional)" name="description" maxLength={500} errors={fieldErrors?.description} />
      <Button type="submit" pending={pending}>
        Create group
      </Button>
      {error ? (
        <div className="md:col-span-3">
          <FormErrorAlert failure={error} fields={{ name: { label: "Group name" }, description: { label: "Description" } }} />
        </div>
      ) : null}
    </form>
  );
}
