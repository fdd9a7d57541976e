// Files fetched with the bearer token (a plain link cannot send it) handed to the browser: saved
// under the API's file name, or opened in a tab.
import type { ApiFile } from './api';

// Long enough for the browser to start reading the blob; the URL is only a handle.
const REVOKE_AFTER_MS = 60_000;

function objectUrl(file: ApiFile): string {
  const url = URL.createObjectURL(file.blob);
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  return url;
}

/** Saves the file as a download. */
export function saveFile(file: ApiFile): void {
  const link = document.createElement('a');
  link.href = objectUrl(file);
  link.download = file.fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * A tab opened synchronously in the click handler: popup blockers allow a window opened during the
 * user's gesture, not one opened after the request has come back.
 */
export function openPendingTab(): Window | null {
  const tab = window.open('', '_blank');
  if (tab) tab.document.title = 'Loading…';
  return tab;
}

/** Shows the file in the pending tab; without one (blocked), saves it instead. */
export function showFile(tab: Window | null, file: ApiFile): void {
  if (tab && !tab.closed) tab.location.href = objectUrl(file);
  else saveFile(file);
}
