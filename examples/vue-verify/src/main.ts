import { createApp } from 'vue';
import { defineFaceKitVerify } from 'facekit';
import App from './App.vue';

// Before mounting: Vue then sets the element's object props (config, messages, kit) as properties.
defineFaceKitVerify();
createApp(App).mount('#app');
