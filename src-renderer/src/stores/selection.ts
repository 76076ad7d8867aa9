// What the user has selected on the canvas: devices and links by record id.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useLabStore } from './lab';

export const useSelectionStore = defineStore('selection', () => {
  const ids = ref<string[]>([]);
  const lab = useLabStore();

  /** Ids that still exist (undo may remove a selected device). */
  const existing = computed(() => {
    const present = new Set(lab.records.map((r) => r.id));
    return ids.value.filter((id) => present.has(id));
  });
  const single = computed(() => (existing.value.length === 1 ? existing.value[0] : null));
  const device = computed(() => (single.value ? lab.deviceById.get(single.value) : undefined));
  const link = computed(() => (single.value ? lab.links.find((l) => l.id === single.value) : undefined));

  function set(next: string[]): void {
    if (next.length === ids.value.length && next.every((id, i) => id === ids.value[i])) return;
    ids.value = [...next];
  }
  function clear(): void {
    set([]);
  }
  const has = (id: string) => ids.value.includes(id);

  return { ids: existing, single, device, link, set, clear, has };
});
