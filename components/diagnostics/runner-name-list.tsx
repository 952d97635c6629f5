/** The id of the page's one list of runner names, which every runner field of Diagnostics suggests from. */
export const RUNNER_NAMES_LIST_ID = "diagnostics-runner-names";

/**
 * The organization's runner names as a `<datalist>`, rendered once per page: the search, Check
 * access and support bundle fields point at it with `list=`, so the browser offers the names as
 * the person types (and by arrow keys), instead of three selects each carrying every runner.
 */
export function RunnerNameList({ names }: { names: string[] }) {
  return (
    <datalist id={RUNNER_NAMES_LIST_ID}>
      {names.map((name) => (
        <option key={name} value={name} />
      ))}
    </datalist>
  );
}
