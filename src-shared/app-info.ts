// Name and version shown by the CLI, the window title and `app.info`. Kept in sync with package.json
// by a test (src-shared/app-info.test.ts).
export const APP_NAME = 'PacketLab';
export const APP_VERSION = '0.1.0';
