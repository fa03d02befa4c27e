// @ts-check
// Everything e2e tests need, from one import.
export { http } from './http.mjs';
export { ensurePackaged, startHostProcess, login, appUrl, setAppSettings, waitFor, freePort, ROOT } from './host.mjs';
export { startReceiver } from './receiver.mjs';
export { uploadFile, multipart } from './upload.mjs';
