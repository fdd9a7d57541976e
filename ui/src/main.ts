import { createApp } from 'vue';
import App from './App.vue';
import { createKinga } from './setup';
import './styles.css';

createApp(App).use(createKinga()).mount('#app');
