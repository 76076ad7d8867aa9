// The topology canvas registers its view actions here so toolbars, the palette, menus and keyboard
// shortcuts can call them without holding a component reference.
import { shallowRef } from 'vue';
import type { DeviceKind } from '../lab/types';

export interface CanvasApi {
  addAtCenter(kind: DeviceKind): void;
  fit(): void;
  zoomBy(factor: number): void;
  autoLayout(): void;
  focus(): void;
}

export const canvasApi = shallowRef<CanvasApi | null>(null);

/** dataTransfer type of a device dragged from the palette. */
export const DRAG_MIME = 'application/x-packetlab-device';
