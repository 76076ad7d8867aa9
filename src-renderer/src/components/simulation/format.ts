// Display helpers for simulation times and endpoints.

/** Virtual microseconds as seconds with microsecond digits, e.g. `1.000250 s`. */
export function formatVirtualTime(us: number): string {
  return `${(us / 1e6).toFixed(6)} s`;
}

/** `pc1 eth0`: a device and one of its interfaces. */
export function endpointLabel(device: string, iface: string): string {
  return `${device} ${iface}`;
}
