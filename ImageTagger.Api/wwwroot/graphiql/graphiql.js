import './react-dom-client.js';
import './vendor/graphiql.min.js';
export const GraphiQL = globalThis.GraphiQL;
export default globalThis.GraphiQL;
