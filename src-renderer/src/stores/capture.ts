// The open capture in the inspector: loading with progress and cancel, the packet list's rows
// (fetched from the capture worker in blocks, only where the list looks), the display filter,
// sorting, the selected frame's details and bytes, Follow TCP Stream, the flow graph and export.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { lookupField, type ProtoNode } from '../../../src-shared/net/dissect';
import { checkFilter, type FilterError } from '../../../src-shared/net/filter';
import type { FlowGraph, FrameDetails, RowSummary, SortColumn } from '../workers/capture-model';
import { CancelledError, CaptureClient, createCaptureWorker, type WorkerLike } from '../workers/client';
import type { FollowReply, LoadedInfo, ProgressTask, SortKey, WorkerEvent } from '../workers/protocol';

/** Rows per block fetched from the worker. */
export const BLOCK = 200;
const MAX_BLOCKS = 200;
const RECENT_KEY = 'packetlab.recentFilters';
const MAX_RECENT = 12;

let workerFactory: () => WorkerLike = createCaptureWorker;

/** For tests: run the worker logic in-process. */
export function setCaptureWorkerFactory(factory: () => WorkerLike): void {
  workerFactory = factory;
}

export type CaptureStatus = 'empty' | 'loading' | 'ready' | 'error';

export interface TaskProgress {
  task: ProgressTask;
  done: number;
  total: number;
}

function readRecents(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/**
 * Which bytes a tree node's offsets point into: -1 the frame, i ≥ 0 the frame's data source i
 * (decrypted TLS, reassembled TCP/IP), null for bytes no tab shows.
 */
export function sourceOf(n: ProtoNode): number | null {
  if (n.dataSource !== undefined) return n.dataSource;
  return n.source === 'reassembled' ? null : -1;
}

export const useCaptureStore = defineStore('capture', () => {
  let client: CaptureClient | null = null;
  const status = ref<CaptureStatus>('empty');
  const info = shallowRef<LoadedInfo | null>(null);
  const error = ref<string | null>(null);
  const progress = ref<TaskProgress | null>(null);
  const passed = ref(0);
  const viewCount = ref(0);
  /** Bumped whenever cached rows change, so views re-read them. */
  const rowsVersion = ref(0);
  const blocks = new Map<number, RowSummary[]>();
  const inflight = new Map<number, number>();
  let generation = 0;

  const selectedPos = ref(-1);
  const selectedFrame = ref(-1);
  const details = shallowRef<FrameDetails | null>(null);
  const selectedNode = shallowRef<ProtoNode | null>(null);
  let detailsToken = 0;

  const filterText = ref('');
  const appliedFilter = ref('');
  const filterBusy = ref(false);
  const filterMs = ref<number | null>(null);
  const recentFilters = ref<string[]>(readRecents());
  const sortKey = ref<SortKey>(null);

  /**
   * Bumped whenever the set of displayed frames may change (a capture opened or closed, a filter
   * applied, a key log read); a sort only reorders them and leaves it.
   */
  const displayVersion = ref(0);

  const follow = shallowRef<FollowReply | null>(null);
  const flow = shallowRef<FlowGraph | null>(null);

  /** Milliseconds from open() to loaded and to the first rows on screen (benchmarks read them). */
  const timings = ref<{ loaded?: number; firstRows?: number; passDone?: number }>({});
  let openedAt = 0;

  const filterCheck = computed<{ state: 'empty' | 'valid' | 'invalid'; error?: FilterError }>(() => {
    const text = filterText.value;
    if (text.trim() === '') return { state: 'empty' };
    const r = checkFilter(text, lookupField);
    return r.ok ? { state: 'valid' } : { state: 'invalid', error: r.error };
  });

  /** The bytes pane's tab: -1 the frame, else an index into details.sources (decrypted TLS). */
  const bytesSource = ref(-1);

  /** The bytes of the selected node in the tab showing them; null when they are in no tab (a reassembled PDU). */
  const highlight = computed(() => {
    const n = selectedNode.value;
    if (!n || n.length <= 0) return null;
    const source = sourceOf(n);
    return source === null ? null : { source, offset: n.offset, length: n.length };
  });

  /** The bytes of the tab shown. */
  const shownBytes = computed(() => {
    const d = details.value;
    if (!d) return null;
    return bytesSource.value >= 0 ? (d.sources[bytesSource.value]?.data ?? d.bytes) : d.bytes;
  });

  function worker(): CaptureClient {
    if (!client) {
      client = new CaptureClient(workerFactory());
      client.on(onEvent);
    }
    return client;
  }

  function onEvent(e: WorkerEvent): void {
    if (e.type === 'progress') {
      progress.value = e.done >= e.total ? null : { task: e.task, done: e.done, total: e.total };
    } else if (e.type === 'pass') {
      passed.value = e.passed;
      if (e.passed >= e.count && timings.value.passDone === undefined) timings.value = { ...timings.value, passDone: performance.now() - openedAt };
      refreshProvisional();
    }
  }

  function resetView(): void {
    generation++;
    blocks.clear();
    inflight.clear();
    rowsVersion.value++;
  }

  /**
   * Opens a capture. `keyLog`: TLS secrets (NSS key log) to decrypt with, besides the file's own
   * Decryption Secrets Blocks (a simulation passes its run's `sim.secrets`).
   */
  async function open(source: File | Blob | ArrayBuffer, name = source instanceof File ? source.name : 'capture', options: { keyLog?: string } = {}): Promise<boolean> {
    const w = worker();
    openedAt = performance.now();
    timings.value = {};
    status.value = 'loading';
    error.value = null;
    progress.value = { task: 'read', done: 0, total: source instanceof ArrayBuffer ? source.byteLength : source.size };
    try {
      const loaded = await w.request({ type: 'open', source, name, ...(options.keyLog ? { keyLog: options.keyLog } : {}) });
      timings.value = { loaded: performance.now() - openedAt };
      info.value = loaded;
      viewCount.value = loaded.count;
      passed.value = 0;
      appliedFilter.value = '';
      sortKey.value = null;
      sortShown = null;
      selectedPos.value = -1;
      selectedFrame.value = -1;
      details.value = null;
      selectedNode.value = null;
      follow.value = null;
      flow.value = null;
      filterMs.value = null;
      resetView();
      displayVersion.value++;
      status.value = 'ready';
      progress.value = null;
      if (filterText.value.trim() && filterCheck.value.state === 'valid') void applyFilter(filterText.value);
      return true;
    } catch (e) {
      progress.value = null;
      if (e instanceof CancelledError) {
        status.value = info.value ? 'ready' : 'empty';
        return false;
      }
      status.value = 'error';
      error.value = (e as Error).message;
      info.value = null;
      return false;
    }
  }

  /** Cancels loading, or a running filter or sort. */
  async function cancel(): Promise<void> {
    if (!client) return;
    await client.request({ type: 'cancel' });
    progress.value = null;
  }

  async function close(): Promise<void> {
    if (client) await client.request({ type: 'close' });
    status.value = 'empty';
    info.value = null;
    viewCount.value = 0;
    details.value = null;
    selectedNode.value = null;
    selectedPos.value = -1;
    selectedFrame.value = -1;
    resetView();
    displayVersion.value++;
  }

  /** The row at a display position, or undefined while it is being fetched. */
  function rowAt(pos: number): RowSummary | undefined {
    void rowsVersion.value;
    return blocks.get(Math.floor(pos / BLOCK))?.[pos % BLOCK];
  }

  /** Fetches the blocks covering display positions [start, end) that are not cached. */
  function ensureRows(start: number, end: number): Promise<void> {
    if (status.value !== 'ready') return Promise.resolve();
    const jobs: Promise<void>[] = [];
    const last = Math.min(end, viewCount.value) - 1;
    for (let b = Math.floor(Math.max(0, start) / BLOCK); b <= Math.floor(last / BLOCK); b++) {
      if (blocks.has(b) && !inflight.has(b)) continue;
      if (inflight.get(b) === generation) continue;
      jobs.push(fetchBlock(b));
    }
    return Promise.all(jobs).then(() => undefined);
  }

  async function fetchBlock(b: number): Promise<void> {
    const gen = generation;
    inflight.set(b, gen);
    try {
      let reply;
      try {
        reply = await worker().request({ type: 'rows', start: b * BLOCK, end: (b + 1) * BLOCK });
      } catch (e) {
        // The capture was closed or replaced meanwhile, or the worker failed: the rows stay "…".
        if (!(e instanceof CancelledError)) error.value = (e as Error).message;
        return;
      }
      if (gen !== generation) return;
      blocks.set(b, reply.rows);
      if (blocks.size > MAX_BLOCKS) blocks.delete(blocks.keys().next().value!);
      rowsVersion.value++;
      if (timings.value.firstRows === undefined && reply.rows.length) timings.value = { ...timings.value, firstRows: performance.now() - openedAt };
    } finally {
      if (inflight.get(b) === gen) inflight.delete(b);
    }
  }

  /** Rows dissected out of order are fetched again once the first pass has reached them. */
  function refreshProvisional(): void {
    for (const [b, rows] of blocks) {
      if (inflight.has(b)) continue;
      if (rows.some((r) => r.provisional && r.no <= passed.value)) void fetchBlock(b);
    }
  }

  async function applyFilter(text: string = filterText.value): Promise<boolean> {
    if (status.value !== 'ready') return false;
    filterText.value = text;
    if (filterCheck.value.state === 'invalid') return false;
    filterBusy.value = true;
    try {
      const r = await worker().request({ type: 'filter', text });
      if (!r.ok) return false;
      appliedFilter.value = text.trim();
      filterMs.value = r.ms;
      viewCount.value = r.count;
      resetView();
      displayVersion.value++;
      if (text.trim()) rememberFilter(text.trim());
      await relocateSelection();
      return true;
    } catch (e) {
      if (e instanceof CancelledError) return false;
      throw e;
    } finally {
      filterBusy.value = false;
      progress.value = null;
    }
  }

  function rememberFilter(text: string): void {
    recentFilters.value = [text, ...recentFilters.value.filter((f) => f !== text)].slice(0, MAX_RECENT);
    try {
      localStorage.setItem(RECENT_KEY, JSON.stringify(recentFilters.value));
    } catch {
      /* storage may be unavailable: recents last for this session */
    }
  }

  async function clearFilter(): Promise<void> {
    filterText.value = '';
    await applyFilter('');
  }

  /** Wireshark's column-header click: ascending, descending, then back to frame order. */
  async function toggleSort(column: SortColumn): Promise<void> {
    const cur = sortKey.value;
    let next: SortKey;
    if (!cur || cur.column !== column) next = { column, descending: false };
    else if (!cur.descending) next = { column, descending: true };
    else next = null;
    await setSort(next);
  }

  /** The sort the rows on screen are in (sortKey shows the one asked for while it runs). */
  let sortShown: SortKey = null;

  let sortToken = 0;

  async function setSort(key: SortKey): Promise<void> {
    if (status.value !== 'ready') return;
    sortKey.value = key;
    const token = ++sortToken;
    try {
      await worker().request({ type: 'sort', key });
    } catch (e) {
      // Cancelled, or replaced by a newer sort or a filter: the rows keep the order they had.
      if (e instanceof CancelledError) {
        if (token === sortToken) sortKey.value = sortShown;
        return;
      }
      throw e;
    } finally {
      if (progress.value?.task === 'sort') progress.value = null;
    }
    sortShown = key;
    resetView();
    await relocateSelection();
  }

  async function relocateSelection(): Promise<void> {
    if (selectedFrame.value < 0) return;
    const { position } = await worker().request({ type: 'position', frame: selectedFrame.value });
    selectedPos.value = position;
  }

  /** Selects the row at a display position (clamped) and loads its details. */
  async function selectPosition(pos: number): Promise<void> {
    if (status.value !== 'ready' || viewCount.value === 0) return;
    const p = Math.max(0, Math.min(viewCount.value - 1, pos));
    selectedPos.value = p;
    let row = rowAt(p);
    if (!row) {
      await ensureRows(p, p + 1);
      row = rowAt(p);
    }
    if (!row || selectedPos.value !== p) return;
    await loadDetails(row.no - 1);
  }

  /** Selects a frame by index (e.g. from the flow graph), showing it even if sorted elsewhere. */
  async function selectFrame(frame: number): Promise<void> {
    const { position } = await worker().request({ type: 'position', frame });
    selectedPos.value = position;
    await loadDetails(frame);
  }

  async function loadDetails(frame: number): Promise<void> {
    selectedFrame.value = frame;
    const token = ++detailsToken;
    let d: FrameDetails;
    try {
      d = await worker().request({ type: 'details', frame });
    } catch (e) {
      if (token === detailsToken) {
        details.value = null;
        error.value = (e as Error).message;
      }
      return;
    }
    if (token !== detailsToken) return;
    details.value = d;
    selectedNode.value = null;
    bytesSource.value = -1;
  }

  function selectNode(node: ProtoNode | null): void {
    selectedNode.value = node;
    // Like Wireshark, the bytes pane turns to the tab holding the node's bytes.
    const source = node ? sourceOf(node) : null;
    if (source !== null && details.value && (source < 0 || source < details.value.sources.length)) bytesSource.value = source;
  }

  function showBytesSource(index: number): void {
    const d = details.value;
    bytesSource.value = d && index >= 0 && index < d.sources.length ? index : -1;
  }

  /**
   * The deepest tree node whose bytes cover `offset` (a click in the bytes pane). `expanded`
   * limits the search to subtrees the user has open, as Wireshark does.
   */
  function nodeAtOffset(offset: number, expanded: (n: ProtoNode) => boolean = () => true, source = bytesSource.value): ProtoNode | null {
    const d = details.value;
    if (!d) return null;
    let best: ProtoNode | null = null;
    let bestDepth = -1;
    // Smallest range wins; on equal ranges the deeper node, and among siblings the first. Only
    // nodes pointing into the tab's bytes count; other nodes are walked through when open.
    const visit = (nodes: readonly ProtoNode[] | undefined, depth: number): void => {
      if (!nodes) return;
      for (const n of nodes) {
        const here = sourceOf(n) === source;
        if (here && n.length > 0 && offset >= n.offset && offset < n.offset + n.length) {
          if (!best || n.length < best.length || (n.length === best.length && depth > bestDepth)) {
            best = n;
            bestDepth = depth;
          }
          if (expanded(n)) visit(n.children, depth + 1);
        } else if ((!here || n.length === 0) && expanded(n)) visit(n.children, depth + 1);
      }
    };
    visit(d.tree, 0);
    return best;
  }

  async function followStream(frame = selectedFrame.value): Promise<FollowReply> {
    if (frame < 0) return null;
    const r = await worker().request({ type: 'follow', frame });
    follow.value = r;
    return r;
  }

  async function flowGraph(of: number | null): Promise<FlowGraph> {
    const r = await worker().request({ type: 'flow', of });
    flow.value = r;
    return r;
  }

  /**
   * Reads a TLS key log (SSLKEYLOGFILE) for the open capture: it is dissected again with the
   * secrets, the filter and sort in effect are applied again and the selected frame reloaded.
   * Rejects with the key log's first problem (name:line: message) when nothing in it is usable.
   */
  async function loadKeyLog(text: string, name: string): Promise<{ tlsSecrets: number; added: number }> {
    if (status.value !== 'ready') throw new Error('no capture is open');
    const r = await worker().request({ type: 'keys', text, name });
    if (info.value) info.value = { ...info.value, tlsSecrets: r.tlsSecrets };
    passed.value = 0;
    viewCount.value = info.value?.count ?? 0;
    resetView();
    displayVersion.value++;
    const filter = appliedFilter.value;
    const sort = sortShown;
    appliedFilter.value = '';
    sortShown = null;
    sortKey.value = null;
    if (filter) await applyFilter(filter);
    if (sort) await setSort(sort);
    if (selectedFrame.value >= 0) await selectFrame(selectedFrame.value);
    return r;
  }

  /**
   * Number of the displayed frame after frame `no` (dir 1) or before it (dir -1), in frame order
   * whatever the sort, or null when there is none; every frame counts without a filter. `no` may
   * be 0 (before the first frame). The worker finds it by a binary search of the filter's matches.
   */
  async function nextDisplayedFrame(no: number, dir: 1 | -1): Promise<number | null> {
    if (status.value !== 'ready') return null;
    const { frame } = await worker().request({ type: 'nextShown', frame: no - 1, dir });
    return frame < 0 ? null : frame + 1;
  }

  async function exportBytes(): Promise<Uint8Array> {
    const { bytes } = await worker().request({ type: 'export' });
    return bytes;
  }

  return {
    status,
    info,
    error,
    progress,
    passed,
    viewCount,
    rowsVersion,
    selectedPos,
    selectedFrame,
    details,
    selectedNode,
    highlight,
    bytesSource,
    shownBytes,
    showBytesSource,
    filterText,
    filterCheck,
    appliedFilter,
    filterBusy,
    filterMs,
    recentFilters,
    sortKey,
    follow,
    flow,
    timings,
    open,
    cancel,
    close,
    rowAt,
    ensureRows,
    applyFilter,
    clearFilter,
    toggleSort,
    setSort,
    selectPosition,
    selectFrame,
    selectNode,
    nodeAtOffset,
    followStream,
    flowGraph,
    exportBytes,
    loadKeyLog,
    displayVersion,
    nextDisplayedFrame,
  };
});
