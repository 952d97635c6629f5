import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-gray-700">404</p>
      <h1 className="mt-2 text-2xl font-bold text-gray-900">Page not found</h1>
      <p className="mt-3 text-gray-700">The page does not exist, or this link is no longer valid.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-brand-700 underline">
        Go to the start page
      </Link>
    </main>
  );
}
