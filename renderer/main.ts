import { mount } from 'svelte';
import App from './App.svelte';
import '@xterm/xterm/css/xterm.css';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
mount(App, { target });
