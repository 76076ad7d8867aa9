// Merges the capture inspector's strings into the app's vue-i18n instance under `capture.*`,
// so the inspector owns its messages without editing the shell's en.ts/ko.ts.
import { i18n } from './index';
import { capturePackets as en } from './packets.en';
import { capturePackets as ko } from './packets.ko';

let merged = false;

export function mergeCaptureMessages(): void {
  if (merged) return;
  merged = true;
  i18n.global.mergeLocaleMessage('en', { capture: en });
  i18n.global.mergeLocaleMessage('ko', { capture: ko });
}

mergeCaptureMessages();

export { en as captureMessagesEn, ko as captureMessagesKo };
