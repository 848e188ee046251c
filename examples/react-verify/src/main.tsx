import { createRoot } from 'react-dom/client';
import { defineFaceKitVerify } from 'facekit';
import { App } from './App.js';

// Before the first render: React 19 then sees the element's properties (config, messages, kit)
// and sets them as properties rather than attributes.
defineFaceKitVerify();
createRoot(document.getElementById('root')!).render(<App />);
