// Display helpers for simulation times and endpoints.

/** Virtual microseconds as seconds with microsecond digits, e.g. `1.000250 s`. */
export function formatVirtualTime(us: number): string {
  return `${(us / 1e6).toFixed(6)} s`;
}

/** `pc1 eth0`: a device and one of its interfaces. */
export function endpointLabel(device: string, iface: string): string {
  return `${device} ${iface}`;
}

/**
 * Seconds left on a timer, short enough for a narrow table: `42s`, `5m 03s`, `2h 05m`, `3d 4h`.
 * Fractions are cut (a TTL of 59.8 s shows 59s); zero or less shows `0s` (expired).
 */
export function formatTimer(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** A body size: `512 B`, `1.5 kB`, `2.3 MB` (decimal units, as browsers' network panels). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
