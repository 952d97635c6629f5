import { cn } from "./cn";

/** A semantic table with a caption (visually hidden unless `showCaption`). */
export function Table({ caption, showCaption, children, className }: { caption: string; showCaption?: boolean; children: React.ReactNode; className?: string }) {
  return (
    <div className={cn("relative overflow-x-auto rounded-lg border border-gray-300 bg-white", className)}>
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className={showCaption ? "px-4 py-2 text-left font-medium" : "sr-only"}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function THead({ children }: { children: React.ReactNode }) {
  return <thead className="bg-gray-100 text-left text-xs font-semibold uppercase tracking-wide text-gray-700">{children}</thead>;
}

export function TBody({ children }: { children: React.ReactNode }) {
  return <tbody className="divide-y divide-gray-200">{children}</tbody>;
}

export function TH({ children, className }: { children?: React.ReactNode; className?: string }) {
  return (
    <th scope="col" className={cn("px-4 py-2", className)}>
      {children}
    </th>
  );
}

export function TD({ children, className }: { children?: React.ReactNode; className?: string }) {
  return <td className={cn("px-4 py-2 align-middle", className)}>{children}</td>;
}
