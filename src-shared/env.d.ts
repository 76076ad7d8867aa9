// src-shared is compiled without DOM and Node typings (see build/tsconfig.shared.json), so the few
// platform globals that every runtime we target (Node, Chromium, Electron) provides are declared here.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
