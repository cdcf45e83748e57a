// GraphiQL's page imports ES modules; React 18 ships UMD builds, which set globals when evaluated.
import './vendor/react.production.min.js';
export default globalThis.React;
