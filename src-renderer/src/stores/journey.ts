// The URL journey of the current simulation session (sim.journey): the story of its steps, every
// page load with its request timings and what was rendered. Loaded when a run finishes; a failure
// is kept and shown (the views offer Retry) rather than hidden.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { JourneyRecord } from '../../../src-shared/ipc/contract';
import { host } from '../host';
import { useSimulationStore } from './simulation';

export type JourneyStatus = 'idle' | 'loading' | 'ready' | 'error';

export const useJourneyStore = defineStore('journey', () => {
  const sim = useSimulationStore();
  const sessionId = computed(() => sim.result?.sessionId ?? null);

  const record = shallowRef<JourneyRecord | null>(null);
  const status = ref<JourneyStatus>('idle');
  const error = ref<string | null>(null);
  /** Only the answer for the latest request counts (runs may follow each other quickly). */
  let token = 0;

  async function load(): Promise<void> {
    const id = sessionId.value;
    const mine = ++token;
    record.value = null;
    error.value = null;
    if (!id) {
      status.value = 'idle';
      return;
    }
    status.value = 'loading';
    try {
      const r = await host().call('sim.journey', { sessionId: id });
      if (mine !== token) return;
      record.value = r;
      status.value = 'ready';
    } catch (e) {
      if (mine !== token) return;
      error.value = e instanceof Error ? e.message : String(e);
      status.value = 'error';
    }
  }

  watch(sessionId, () => void load(), { immediate: true });

  /** The run browsed somewhere: there is a story or a page load to show. */
  const hasJourney = computed(() => record.value !== null && (record.value.story.length > 0 || record.value.loads.length > 0));
  /** Whether the Journey views can open: with a journey, or to show why it could not be loaded. */
  const canOpen = computed(() => hasJourney.value || status.value === 'error');

  return { sessionId, record, status, error, hasJourney, canOpen, load };
});
