// <facekit-verify>'s shadow-DOM style: the theme's custom properties with their defaults. One rule
// per line, without optional spaces: it ships inside the package's size budget.
export const VERIFY_STYLE = `:host{display:inline-block;width:100%;max-width:480px;font:var(--facekit-font,15px/1.4 system-ui,sans-serif);color:var(--facekit-text,#0f172a)}
[part=frame]{position:relative;aspect-ratio:4 / 3;background:var(--facekit-background,#0f172a);border-radius:var(--facekit-radius,12px);overflow:hidden}
video,canvas{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
:host([data-mirrored]) video,:host([data-mirrored]) canvas{transform:scaleX(-1)}
[part=status]{margin:.6em 0;min-height:1.4em}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
button,select{font:inherit;border-radius:var(--facekit-radius,12px)}
button{padding:.45em 1.2em;border:0;background:var(--facekit-accent,#2563eb);color:var(--facekit-accent-text,#fff);cursor:pointer}
label{margin-left:.6em}
select{margin-left:.3em;padding:.35em}
button:focus-visible,select:focus-visible{outline:3px solid var(--facekit-focus,var(--facekit-accent,#2563eb));outline-offset:2px}
:host([data-state=success]) [part=status]{color:var(--facekit-success,#15803d)}
:host([data-state=failure]) [part=status],:host([data-state=error]) [part=status]{color:var(--facekit-failure,#b91c1c)}
`;
