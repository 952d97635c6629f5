import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { FailureCounts } from "@/lib/diagnostics/failure-counts";
import type { ErrorCode } from "@/lib/errors/catalogue";

/** Colours for the most frequent codes (distinct at a glance; the legend and table carry the meaning). */
const PALETTE = ["#b91c1c", "#1d4ed8", "#b45309", "#047857", "#7c3aed"];
const OTHER = "#4b5563";
const MAX_SERIES = PALETTE.length;
const WIDTH = 720;
const HEIGHT = 160;
const PAD = { left: 32, right: 8, top: 8, bottom: 22 };

function bucketLabel(start: string, unit: FailureCounts["unit"]): string {
  return unit === "hour" ? `${start.slice(5, 10)} ${start.slice(11, 16)}` : start.slice(0, 10);
}

/**
 * Failures by error code over time, as a small stacked bar chart (an SVG with a text summary for
 * screen readers) and the same numbers as a table. The five most frequent codes get their own
 * colour; the rest are grouped as "other".
 */
export function FailureChart({ counts }: { counts: FailureCounts }) {
  const total = counts.codes.reduce((n, c) => n + c.total, 0);
  if (total === 0) return <p className="rounded-lg border border-dashed border-gray-400 bg-white p-4 text-sm text-gray-700">No failures in this time range.</p>;
  const series = counts.codes.slice(0, MAX_SERIES).map((c, i) => ({ ...c, color: PALETTE[i]! }));
  const shown = new Set<ErrorCode>(series.map((s) => s.code));
  const max = Math.max(1, ...counts.buckets.map((b) => b.total));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, counts.buckets.length);
  const barW = Math.max(1, slot * 0.75);
  const y = (n: number) => (n / max) * plotH;
  const summary = `${total} failed ${total === 1 ? "operation" : "operations"} in this range. Most frequent: ${counts.codes
    .slice(0, 3)
    .map((c) => `${c.code} (${c.total})`)
    .join(", ")}.`;
  const first = counts.buckets[0];
  const last = counts.buckets.at(-1);

  return (
    <div className="flex flex-col gap-3 rounded-lg border border-gray-300 bg-white p-4">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-40 w-full" role="img" aria-labelledby="failure-chart-title failure-chart-desc" data-testid="failure-chart">
        <title id="failure-chart-title">{`Failures by error code, per ${counts.unit}`}</title>
        <desc id="failure-chart-desc">{summary}</desc>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} stroke="#6b7280" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" fontSize="10" fill="#374151">
          {max}
        </text>
        <text x={PAD.left - 4} y={PAD.top + plotH} textAnchor="end" fontSize="10" fill="#374151">
          0
        </text>
        {counts.buckets.map((b, i) => {
          let offset = 0;
          const parts = [...series.map((s) => ({ n: b.byCode[s.code] ?? 0, color: s.color })), { n: Object.entries(b.byCode).reduce((n, [code, v]) => (shown.has(code as ErrorCode) ? n : n + (v ?? 0)), 0), color: OTHER }];
          return (
            <g key={b.start}>
              {parts.map((p, j) => {
                if (p.n === 0) return null;
                const h = y(p.n);
                offset += h;
                return <rect key={j} x={PAD.left + i * slot + (slot - barW) / 2} y={PAD.top + plotH - offset} width={barW} height={h} fill={p.color} />;
              })}
            </g>
          );
        })}
        {first ? (
          <text x={PAD.left} y={HEIGHT - 6} fontSize="10" fill="#374151">
            {bucketLabel(first.start, counts.unit)}
          </text>
        ) : null}
        {last ? (
          <text x={WIDTH - PAD.right} y={HEIGHT - 6} fontSize="10" fill="#374151" textAnchor="end">
            {bucketLabel(last.start, counts.unit)} UTC
          </text>
        ) : null}
      </svg>
      <ul aria-label="Legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-gray-800">
        {series.map((s) => (
          <li key={s.code} className="flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: s.color }} />
            <a href={`/docs/troubleshooting#${s.code}`} className="font-mono underline">
              {s.code}
            </a>{" "}
            ({s.total})
          </li>
        ))}
        {counts.codes.length > MAX_SERIES ? (
          <li className="flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: OTHER }} />
            other ({counts.codes.slice(MAX_SERIES).reduce((n, c) => n + c.total, 0)})
          </li>
        ) : null}
      </ul>
      <details>
        <summary className="cursor-pointer text-sm font-medium text-brand-700">Show the numbers as a table</summary>
        <Table caption={`Failures by error code, per ${counts.unit} (UTC)`} className="mt-2">
          <THead>
            <tr>
              <TH>{counts.unit === "hour" ? "Hour" : "Day"}</TH>
              <TH>Failures</TH>
              <TH>By code</TH>
            </tr>
          </THead>
          <TBody>
            {counts.buckets
              .filter((b) => b.total > 0)
              .map((b) => (
                <tr key={b.start}>
                  <TD className="whitespace-nowrap">{bucketLabel(b.start, counts.unit)}</TD>
                  <TD>{b.total}</TD>
                  <TD className="font-mono text-xs">
                    {Object.entries(b.byCode)
                      .map(([code, n]) => `${code}: ${n}`)
                      .join(", ")}
                  </TD>
                </tr>
              ))}
          </TBody>
        </Table>
      </details>
    </div>
  );
}
