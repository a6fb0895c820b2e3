/**
 * Geometry for a sparkline of image sizes over a learner's runs: x evenly spaced by run, y from
 * zero (bottom) to the largest size (top), so a 0.3 % change looks flat and a 200× cut looks like
 * one. Runs without an image (a failed build) leave a gap rather than a fake zero.
 */
export type SparkPoint = { x: number; y: number; passed: boolean };

export function sparkline(values: { bytes: number | null; passed: boolean }[], width: number, height: number, pad = 3): SparkPoint[] {
  const sizes = values.flatMap((v) => (v.bytes === null ? [] : [v.bytes]));
  if (sizes.length === 0) return [];
  const max = Math.max(...sizes);
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  return values.flatMap((v, i) => {
    if (v.bytes === null) return [];
    const t = max === 0 ? 0 : v.bytes / max;
    const x = values.length > 1 ? pad + i * step : width / 2;
    return [{ x: round(x), y: round(height - pad - t * (height - 2 * pad)), passed: v.passed }];
  });
}

const round = (n: number) => Math.round(n * 10) / 10;
