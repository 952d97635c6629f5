import { cn } from "./cn";

const tones = {
  gray: "bg-gray-100 text-gray-800 ring-gray-300",
  green: "bg-green-50 text-green-800 ring-green-300",
  yellow: "bg-amber-50 text-amber-900 ring-amber-300",
  red: "bg-red-50 text-red-800 ring-red-300",
  blue: "bg-blue-50 text-blue-800 ring-blue-300",
} as const;

export function Badge({ tone = "gray", children, className }: { tone?: keyof typeof tones; children: React.ReactNode; className?: string }) {
  return <span className={cn("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", tones[tone], className)}>{children}</span>;
}
