import { render } from 'solid-js/web';
import { App } from './App';
import './styles/app.css';

render(() => <App />, document.getElementById('app')!);
