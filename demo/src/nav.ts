// The site header shared by every demo page: name, navigation, and the privacy line.
export type PageId = 'verify' | 'photo' | 'embed' | 'bench';

const PAGES: readonly { id: PageId; href: string; label: string; title: string }[] = [
  { id: 'verify', href: 'index.html', label: 'Verify', title: 'Enroll and verify with your camera' },
  { id: 'photo', href: 'photo.html', label: 'Photo', title: 'Find faces in a photo, compare two photos' },
  { id: 'embed', href: 'embed.html', label: 'Embed', title: 'The <facekit-verify> element in your own page' },
  { id: 'bench', href: 'bench.html', label: 'Bench', title: 'How fast facekit runs on this device' },
];

/** Fills `<header id="site-header">` with the brand, the page links (current one marked) and the privacy line. */
export function mountNav(current: PageId): void {
  const header = document.getElementById('site-header');
  if (!header) throw new Error('The page has no <header id="site-header">');
  header.className = 'site';
  const bar = document.createElement('div');
  bar.className = 'bar';
  const brand = document.createElement('a');
  brand.className = 'brand';
  brand.href = 'index.html';
  brand.textContent = 'facekit';
  const nav = document.createElement('nav');
  nav.setAttribute('aria-label', 'Demo pages');
  for (const page of PAGES) {
    const a = document.createElement('a');
    a.href = page.href;
    a.textContent = page.label;
    a.title = page.title;
    if (page.id === current) a.setAttribute('aria-current', 'page');
    nav.append(a);
  }
  bar.append(brand, nav);
  const privacy = document.createElement('p');
  privacy.className = 'privacy';
  privacy.textContent = 'Everything runs in this browser: your camera and photos never leave this device.';
  header.replaceChildren(bar, privacy);
}
