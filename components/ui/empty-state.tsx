/** What a page shows when it has nothing yet: what the thing is, and what to do next. */
export function EmptyState({ title, children, action }: { title: string; children?: React.ReactNode; action?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-gray-400 bg-white px-6 py-10 text-center">
      <h3 className="text-base font-semibold text-gray-900">{title}</h3>
      {children ? <div className="mx-auto mt-2 max-w-prose text-sm text-gray-700">{children}</div> : null}
      {action ? <div className="mt-4 flex justify-center">{action}</div> : null}
    </div>
  );
}
