/** Shown while a settings page loads its data. */
export function SettingsLoading() {
  return (
    <div role="status" aria-live="polite" className="flex items-center gap-2 text-sm text-gray-700">
      <span aria-hidden="true" className="h-4 w-4 animate-spin rounded-full border-2 border-gray-500 border-t-transparent" />
      Loading…
    </div>
  );
}
