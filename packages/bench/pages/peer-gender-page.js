// Page-side helper shared by human-gender.html and face-api-gender.html. Plain JS: served as is.

/** The face whose box centre lies nearest the image centre (`box(f)`: [x, y, width, height] in pixels); undefined if none. */
export function nearestCentre(faces, box, width, height) {
  let best;
  let bestD = Infinity;
  for (const f of faces) {
    const [x, y, w, h] = box(f);
    const d = Math.hypot(x + w / 2 - width / 2, y + h / 2 - height / 2);
    if (d < bestD) { bestD = d; best = f; }
  }
  return best;
}
