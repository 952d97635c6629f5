/** The centred card used by sign-in, first-run setup and invitation pages. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: React.ReactNode; children: React.ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md rounded-lg border border-gray-300 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold text-gray-900">{title}</h1>
        {subtitle ? <div className="mt-2 text-sm text-gray-700">{subtitle}</div> : null}
        <div className="mt-6">{children}</div>
      </div>
    </main>
  );
}
