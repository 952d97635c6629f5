import { Badge } from "@/components/ui/badge";
import { versionCompatibility } from "@/lib/runners/version-compat";
import { PLANE_VERSION } from "@/lib/version";

/** A runner's version, with what an admin should do when it does not go with this plane's. */
export function RunnerVersion({ version, full }: { version: string | null; full?: boolean }) {
  if (!version) return <span className="text-gray-600">—</span>;
  const compatibility = versionCompatibility(version, PLANE_VERSION);
  if (compatibility.status === "same") return <span className="text-gray-900">{version}</span>;
  const incompatible = compatibility.status === "incompatible";
  return (
    <span className="flex flex-col items-start gap-1" title={compatibility.message} data-version-status={compatibility.status}>
      <span className="text-gray-900">{version}</span>
      <Badge tone={incompatible ? "red" : "yellow"}>
        {incompatible ? "Upgrade needed" : "Update available"}
        <span className="sr-only">: {compatibility.message}</span>
      </Badge>
      {full ? <span className="text-gray-800">{compatibility.message}</span> : null}
    </span>
  );
}
