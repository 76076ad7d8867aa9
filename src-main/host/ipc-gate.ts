// Every Electron IPC request passes this gate before reaching the host services: the sender must be
// the app's own main frame, loaded from the app's own origin; the payload is then validated by
// the dispatcher's schemas. Kept free of electron imports so it is tested in plain Node.
import type { Dispatch, DispatchOutcome } from './dispatch';

/** What the gate needs to know about an IPC event's sender (taken from Electron's IpcMainInvokeEvent). */
export interface IpcSender {
  /** webContents id of the sender. */
  webContentsId: number;
  /** URL of the frame that sent the message (null when the frame is gone). */
  frameUrl: string | null;
  /** True when the sending frame is the top-level frame (not an iframe). */
  isMainFrame: boolean;
}

export interface IpcGateOptions {
  dispatch: Dispatch;
  /** webContents ids of PacketLab's own windows. */
  trustedWebContents: () => ReadonlySet<number>;
  /** Origins the renderer is served from, e.g. `app://packetlab` (and the dev server in development). */
  trustedOrigins: readonly string[];
}

export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // URL gives the string "null" as origin for non-special schemes such as app://; rebuild it.
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

export function createIpcGate(options: IpcGateOptions) {
  return async function handle(name: string, sender: IpcSender, payload: unknown): Promise<DispatchOutcome> {
    if (!options.trustedWebContents().has(sender.webContentsId)) {
      return { ok: false, error: { code: 'forbidden', message: `${name}: refused, the sender is not a PacketLab window` } };
    }
    if (!sender.isMainFrame) {
      return { ok: false, error: { code: 'forbidden', message: `${name}: refused, the sender is a subframe` } };
    }
    const origin = sender.frameUrl ? originOf(sender.frameUrl) : null;
    if (!origin || !options.trustedOrigins.includes(origin)) {
      return { ok: false, error: { code: 'forbidden', message: `${name}: refused, the sender's origin ${origin ?? '(none)'} is not PacketLab's` } };
    }
    return options.dispatch(name, payload);
  };
}
