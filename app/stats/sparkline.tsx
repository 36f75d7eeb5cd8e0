// A tiny SVG line chart: no chart library for a few dozen points.

interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

export function Sparkline({ series, height = 90, unit = '' }: { series: Series[]; height?: number; unit?: string }) {
  const width = 320;
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const x = (i: number) => (n <= 1 ? width : (i / (n - 1)) * width);
  const y = (v: number) => height - 4 - (v / max) * (height - 8);
  return (
    <figure className="spark">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={series.map((s) => s.label).join(', ')}
        preserveAspectRatio="none"
      >
        {series.map((s) => {
          const pts = s.values
            .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
            .filter(Boolean)
            .join(' ');
          const last = s.values.length - 1;
          const lastValue = s.values[last];
          return (
            <g key={s.label}>
              <polyline points={pts} fill="none" stroke={s.color} strokeWidth="2" vectorEffect="non-scaling-stroke" />
              {/* the newest point, so a chart with a single sample is not blank */}
              {lastValue !== null && lastValue !== undefined && (
                <circle cx={x(last)} cy={y(lastValue)} r="3" fill={s.color} />
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {series.map((s) => (
          <span key={s.label}>
            <i style={{ background: s.color }} /> {s.label}
          </span>
        ))}
        <span className="max">
          max {Math.round(max)}
          {unit}
        </span>
      </figcaption>
    </figure>
  );
}
