import Link from "next/link";

export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-red-800">403</p>
      <h1 className="mt-2 text-2xl font-bold text-gray-900">You don&apos;t have access to this page</h1>
      <p className="mt-3 text-gray-700">Your role in this organization does not allow it. Ask an organization admin if you need access.</p>
      <Link href="/settings" className="mt-6 inline-block font-medium text-brand-700 underline">
        Back to settings
      </Link>
    </main>
  );
}
