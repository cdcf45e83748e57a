import './react.js';
import './vendor/react-dom.production.min.js';
export default globalThis.ReactDOM;
