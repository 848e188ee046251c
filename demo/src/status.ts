// The status strip at the bottom of every page: model download progress and what the kit runs on.
import type { FaceKitInfo, ProgressEvent } from 'facekit';

export interface StatusLine {
  say(text: string): void;
  /** For `createFaceKit({ onProgress })`: a progress bar over every file of the current load. */
  onProgress(p: ProgressEvent): void;
  ready(info: FaceKitInfo): void;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

export function statusLine(progress: HTMLProgressElement, text: HTMLElement): StatusLine {
  const say = (s: string) => { text.textContent = s; };
  return {
    say,
    onProgress(p) {
      // Shown while a load is under way; hidden once its last file is ready.
      progress.hidden = p.status === 'ready' && p.overallTotal > 0 && p.overallLoaded >= p.overallTotal;
      progress.value = p.overallTotal ? p.overallLoaded / p.overallTotal : 0;
      if (p.status === 'download') say(`Downloading face model ${p.file}: ${mb(p.loaded)}${p.total ? ` of ${mb(p.total)}` : ''} MB`);
      else if (p.status === 'cached') say(`Loading face model ${p.file} from this device's cache…`);
      else say(`Face model ${p.file} ready (${mb(p.total)} MB, checked and kept on this device).`);
    },
    ready(info) {
      progress.hidden = true;
      say(`Ready: ${info.backend} (${info.backendReason}); ${info.workers} worker × ${info.threadsPerWorker} thread(s) — ${info.threadsReason}`);
    },
  };
}
