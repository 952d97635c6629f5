import { guardSection } from "@/lib/auth/guard-section";

export default async function Layout({ children }: { children: React.ReactNode }) {
  await guardSection("audit-log");
  return children;
}
