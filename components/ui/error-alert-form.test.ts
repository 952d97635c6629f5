// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { createElement, useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { describeCode } from "@/lib/errors/catalogue";
import { FormErrorAlert, type FormFailure } from "./error-alert-form";
import { TextField } from "./input";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";

afterEach(cleanup);

/** A small form as the app's forms are built: fields with their errors, the box, and the shared focus hook. */
function Form({ refusals }: { refusals: FormFailure[] }) {
  const [failure, setFailure] = useState<FormFailure | null>(null);
  const [next, setNext] = useState(0);
  const ref = useFocusFirstInvalid<HTMLDivElement>(failure);
  return createElement(
    "div",
    { ref },
    createElement(TextField, { id: "email", label: "Email", errors: failure?.fieldErrors?.email }),
    createElement(TextField, { id: "name", label: "Name", errors: failure?.fieldErrors?.name }),
    createElement(FormErrorAlert, { failure, fields: { email: { label: "Email", id: "email" }, name: { label: "Name", id: "name" } } }),
    createElement(
      "button",
      {
        type: "button",
        onClick: () => {
          setFailure({ ...refusals[next % refusals.length]! });
          setNext(next + 1);
        },
      },
      "Submit",
    ),
  );
}

describe("FormErrorAlert", () => {
  // Regression: a refused form showed the same message next to the field and again in the box.
  it("says a field's error once, next to the field, and focuses that field", () => {
    render(createElement(Form, { refusals: [{ code: "validation_failed", message: "Enter an email address", fieldErrors: { email: ["Enter an email address"] } }] }));
    fireEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(screen.getAllByText("Enter an email address")).toHaveLength(1);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText("Email"));
  });

  it("counts the fields at fault and links to them, with the remedy, when the failure is more than invalid input", () => {
    render(createElement(Form, { refusals: [{ code: "pat_missing_scopes", message: "Missing scopes: repo", entry: describeCode("pat_missing_scopes").entry, fieldErrors: { name: ["Missing scopes: repo"], email: ["Taken"] } }] }));
    fireEvent.click(screen.getByRole("button", { name: "Submit" }));
    const alert = screen.getByRole("alert");
    // The message repeats a field's: the box says the catalogue's title instead.
    expect(screen.getAllByText("Missing scopes: repo")).toHaveLength(1);
    expect(alert.textContent).toContain("Token is missing scopes");
    expect(alert.textContent).toContain("2 fields need attention: Name, Email.");
    expect(alert.textContent).toContain("Create a token with the scopes listed");
    // The first invalid field in the form's order gets focus; the summary's link moves to the other.
    expect(document.activeElement).toBe(screen.getByLabelText("Email"));
    fireEvent.click(screen.getByRole("link", { name: "Name" }));
    expect(document.activeElement).toBe(screen.getByLabelText("Name"));
  });

  it("shows the full box, focused, when no field is at fault, and again on each refusal", () => {
    render(createElement(Form, { refusals: [{ code: "runner_offline", message: "The runner is offline", entry: describeCode("runner_offline").entry }, { code: "validation_failed", message: "", fieldErrors: { hidden: ["Choose a runner"] } }] }));
    fireEvent.click(screen.getByRole("button", { name: "Submit" }));
    const alert = screen.getByRole("alert");
    expect(alert.dataset.errorCode).toBe("runner_offline");
    expect(alert.textContent).toContain("The runner is offline");
    expect(document.activeElement).toBe(alert);

    // An error on a field the form does not show goes in the box, which gets focus.
    fireEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(screen.getByRole("alert").textContent).toContain("Choose a runner");
    expect(document.activeElement).toBe(screen.getByRole("alert"));
  });
});
