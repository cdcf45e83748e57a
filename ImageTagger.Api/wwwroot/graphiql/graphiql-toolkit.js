import './graphiql.js';
export const createGraphiQLFetcher = globalThis.GraphiQL.createFetcher;
