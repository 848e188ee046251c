// Sample photos for the Photo page. The static site build (demo/src/site/build-site.ts) copies a
// few into samples/ beside the pages with samples/samples.json listing them; the dev and preview
// servers (vite.config.ts) serve the same from shared/data. Where there are none, the page shows no
// samples.

/** One sample photo, as samples.json lists it. */
export interface SamplePhoto {
  /** File name inside samples/. */
  file: string;
  /** What it shows, for the button. */
  label: string;
  /** Where the photo comes from. */
  credit: string;
}

/** The manifest's path, relative to the page. */
export const SAMPLES_MANIFEST = 'samples/samples.json';

/** The samples in a parsed samples.json; entries that are not well-formed (or would leave samples/) are dropped. */
export function parseSamples(json: unknown): SamplePhoto[] {
  const list = (json as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(list)) return [];
  return list.flatMap((s: unknown) => {
    const { file, label, credit } = (s ?? {}) as Record<string, unknown>;
    const ok = typeof file === 'string' && /^[\w.-]+$/.test(file) && !file.startsWith('.') && typeof label === 'string' && label !== '';
    return ok ? [{ file, label, credit: typeof credit === 'string' ? credit : '' }] : [];
  });
}

/** The listed samples, or none when the site has no samples/ (built with --no-samples) or the list cannot be read. */
export async function loadSamples(): Promise<SamplePhoto[]> {
  try {
    const res = await fetch(SAMPLES_MANIFEST, { cache: 'no-cache' });
    return res.ok ? parseSamples(await res.json()) : [];
  } catch {
    return [];
  }
}

/** One button per sample (a thumbnail and its label) in `box`, which is shown; a click gives the photo's bytes to `pick`. */
export function mountSamples(box: HTMLElement, samples: readonly SamplePhoto[], pick: (photo: Blob, sample: SamplePhoto) => void, onError: (e: unknown) => void): void {
  const list = box.querySelector('.sample-list') ?? box;
  list.replaceChildren(...samples.map((s) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    button.dataset.file = s.file;
    button.title = s.credit ? `${s.label} (${s.credit})` : s.label;
    const img = document.createElement('img');
    img.src = `samples/${s.file}`;
    img.alt = '';
    img.loading = 'lazy';
    const text = document.createElement('span');
    text.textContent = s.label;
    button.append(img, text);
    button.addEventListener('click', () => {
      fetch(`samples/${s.file}`)
        .then((res) => { if (!res.ok) throw new Error(`The sample ${s.file} could not be loaded (HTTP ${res.status}).`); return res.blob(); })
        .then((blob) => pick(blob, s), onError);
    });
    return button;
  }));
  box.hidden = samples.length === 0;
}
