// Messages between the inspector (main thread) and the capture worker.
import type { FilterError } from '../../../src-shared/net/filter';
import type { FlowGraph, FrameDetails, RowSummary, SortColumn } from './capture-model';
import type { FollowResult } from './follow';

export type SortKey = { column: SortColumn; descending: boolean } | null;

export interface LoadedInfo {
  name: string;
  count: number;
  format: 'pcap' | 'pcapng' | undefined;
  bytes: number;
  /** A problem part-way through the file: frames before it are shown. */
  error?: string;
  interfaces: { name?: string; linkType: number }[];
  /** TLS connections with secrets (from the key log given and the file's Decryption Secrets Blocks). */
  tlsSecrets: number;
}

export type WorkerRequest =
  | { type: 'open'; source: Blob | ArrayBuffer; name: string; keyLog?: string }
  | { type: 'cancel' }
  | { type: 'rows'; start: number; end: number }
  | { type: 'filter'; text: string }
  | { type: 'sort'; key: SortKey }
  | { type: 'details'; frame: number }
  | { type: 'position'; frame: number }
  /** The displayed frame after (dir 1) or before (dir -1) frame index `frame`, in frame order. */
  | { type: 'nextShown'; frame: number; dir: 1 | -1 }
  | { type: 'follow'; frame: number }
  | { type: 'flow'; of: number | null }
  | { type: 'export' }
  | { type: 'keys'; text: string; name: string }
  | { type: 'close' };

export interface RowsReply {
  rows: RowSummary[];
  viewCount: number;
  passed: number;
}

export type FollowReply = (FollowResult & { stream: number; frames: number[] }) | null;

export type FilterReply = { ok: true; count: number; fast: boolean; ms: number } | { ok: false; error: FilterError };

export interface ReplyTypes {
  open: LoadedInfo;
  cancel: { cancelled: boolean };
  rows: RowsReply;
  filter: FilterReply;
  sort: { viewCount: number };
  details: FrameDetails;
  position: { position: number };
  /** A frame index, or -1 when no displayed frame is there. */
  nextShown: { frame: number };
  follow: FollowReply;
  flow: FlowGraph;
  export: { bytes: Uint8Array };
  keys: { tlsSecrets: number; added: number };
  close: { closed: true };
}

export type ProgressTask = 'read' | 'pass' | 'filter' | 'sort';

export type WorkerEvent =
  | { type: 'progress'; task: ProgressTask; done: number; total: number }
  | { type: 'pass'; passed: number; count: number }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string; cancelled?: boolean };

export type RequestEnvelope = WorkerRequest & { id: number };
