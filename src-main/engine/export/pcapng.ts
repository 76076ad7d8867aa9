// Capture export: the whole capture as one pcapng file with one interface per capture point,
// named `<device>-<interface>`, microsecond timestamps from the virtual epoch, each frame's cause
// as its comment. Nothing depends on the wall clock, so the same run gives the same bytes.
import { concatBytes } from '../../../src-shared/bytes';
import { PcapngWriter } from '../../../src-shared/capture';
import { LINKTYPE_ETHERNET } from '../../../src-shared/capture/linktypes';
import type { Capture } from '../model/capture';
import { VIRTUAL_EPOCH_SECONDS } from '../sim/time';

export interface PcapngExportOptions {
  /** Application name written in the section header. */
  application?: string;
  /** Section comment, e.g. the lab name. */
  comment?: string;
  /** Frame comments with the cause of each frame (default true). */
  causes?: boolean;
  /** Only the frames sent from these capture points (`<device>-<interface>`); default all. */
  points?: string[];
  /** NSS key log text (`Simulation.keyLogText()`): written as a Decryption Secrets Block so Wireshark decrypts TLS. */
  secrets?: string;
}

/** Direction flag of the Enhanced Packet Block: the frame is captured where it is sent. */
const EPB_OUTBOUND = 2;

export function exportPcapng(capture: Capture, options: PcapngExportOptions = {}): Uint8Array {
  const writer = new PcapngWriter({ userAppl: options.application, comment: options.comment });
  const ids = capture.points.map((p) =>
    writer.addInterface({ linkType: LINKTYPE_ETHERNET, name: `${p.device}-${p.interface}`, description: `link ${p.linkId}, sending side ${p.device} ${p.interface}`, tsresol: 6, snaplen: 262144 }),
  );
  if (options.secrets) writer.addSecrets(options.secrets);
  const parts: Uint8Array[] = [writer.flush()];
  const withCauses = options.causes ?? true;
  const only = options.points ? new Set(options.points) : null;
  for (let no = 1; no <= capture.count; no++) {
    const f = capture.frame(no);
    if (only && !only.has(`${f.fromInterface.device}-${f.fromInterface.interface}`)) continue;
    const t = f.time;
    const seconds = VIRTUAL_EPOCH_SECONDS + Math.floor(t / 1_000_000);
    const nanoseconds = (t % 1_000_000) * 1000;
    const comment = withCauses ? (f.lost ? `${f.cause} [lost on link ${f.linkId}]` : f.cause) : undefined;
    writer.addPacket({ interfaceId: ids[f.fromInterface.id], timestamp: { seconds, nanoseconds }, data: f.bytes, comment, flags: EPB_OUTBOUND });
    if (no % 4096 === 0) parts.push(writer.flush());
  }
  parts.push(writer.flush());
  return concatBytes(parts);
}
