// graphql-js oracle for ImageTagger.GraphQL conformance tests.
// Reads one JSON batch on stdin: { schemas: {name: sdl}, items: [...] } and writes { results: [...] } on stdout.
// Item kinds:
//   { kind: "validate", schema, query }                        -> { errors: [{message, locations}] } (syntax errors included)
//   { kind: "execute", schema, query, variables, operationName, fixture } -> ExecutionResult JSON
//   { kind: "printSchema", schema }                            -> { sdl }
//   { kind: "printIntrospection", introspection }              -> { sdl } (buildClientSchema + printSchema)
//   { kind: "print", query }                                   -> { printed } (parse + print)
'use strict';
const graphql = require('graphql');
const fixtures = require('./fixtures.js');

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function formatErrors(errors) {
  return errors.map((e) => ({ message: e.message, locations: e.locations, path: e.path }));
}

async function main() {
  const batch = JSON.parse(await readStdin());
  const schemas = {};
  for (const [name, sdl] of Object.entries(batch.schemas || {})) {
    schemas[name] = graphql.buildSchema(sdl);
  }
  const results = [];
  for (const item of batch.items) {
    try {
      results.push(await run(item, schemas));
    } catch (e) {
      results.push({ exception: String(e && e.message ? e.message : e) });
    }
  }
  process.stdout.write(JSON.stringify({ results }));
}

async function run(item, schemas) {
  switch (item.kind) {
    case 'validate': {
      let doc;
      try {
        doc = graphql.parse(item.query);
      } catch (e) {
        return { syntaxError: true, errors: formatErrors([e]) };
      }
      return { errors: formatErrors(graphql.validate(schemas[item.schema], doc)) };
    }
    case 'execute': {
      const schema = schemas[item.schema];
      const fixture = fixtures[item.fixture];
      const result = await graphql.graphql({
        schema,
        source: item.query,
        rootValue: fixture.root(),
        variableValues: item.variables,
        operationName: item.operationName,
        fieldResolver: fixture.fieldResolver,
        typeResolver: fixture.typeResolver,
      });
      return JSON.parse(JSON.stringify(result));
    }
    case 'printSchema':
      return { sdl: graphql.printSchema(schemas[item.schema]) };
    case 'printIntrospection': {
      const client = graphql.buildClientSchema(item.introspection);
      return { sdl: graphql.printSchema(client) };
    }
    case 'print':
      return { printed: graphql.print(graphql.parse(item.query)) };
    default:
      throw new Error('unknown kind ' + item.kind);
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
