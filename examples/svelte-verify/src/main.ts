import { mount } from 'svelte';
import { defineFaceKitVerify } from 'facekit';
import App from './App.svelte';

// Before mounting: Svelte then sets the element's object props (config, messages, kit) as properties.
defineFaceKitVerify();
mount(App, { target: document.getElementById('app')! });
