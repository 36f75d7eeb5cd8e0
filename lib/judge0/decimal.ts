// Judge0's decimal columns (times and time limits, in seconds) as its JSON writes them: strings in
// plain notation with at least one decimal ("5.0", "0.002", "0.01").

export function decimalString(value: number): string {
  if (Number.isInteger(value)) return `${value}.0`;
  // Plain notation (never 1e-7), without float noise: these are milliseconds at most a few decimals deep.
  const fixed = value.toFixed(6).replace(/0+$/, '');
  return fixed.endsWith('.') ? `${fixed}0` : fixed;
}

/** Milliseconds as seconds with millisecond precision, Judge0's `time` and `wall_time`. */
export function secondsString(ms: number): string {
  return decimalString(Math.round(ms) / 1000);
}
