// graphql-js side of the benchmark: same SDL, data and query as Program.cs / BenchSchema.cs.
// Prints "<requests/s> <approx bytes allocated per request> <graphql version> <sha256 of result JSON>".
'use strict';
const path = require('path');
const crypto = require('crypto');
const graphql = require(path.join(__dirname, '..', '..', 'tests', 'graphql-conformance', 'node_modules', 'graphql'));
const fs = require('fs');

const source = fs.readFileSync(path.join(__dirname, 'BenchSchema.cs'), 'utf8');
const extract = (name) => {
  const start = source.indexOf(`${name} = """`) + name.length + 7;
  const end = source.indexOf('"""', start);
  return source.slice(start, end).split('\n').map((l) => l.replace(/^ {8}/, '')).join('\n').trim();
};
const schema = graphql.buildSchema(extract('Sdl'));
const query = extract('Query');

const users = [1, 2, 3].map((i) => ({ id: `u${i}`, name: `User ${i}`, email: `user${i}@example.com` }));
const images = Array.from({ length: 10 }, (_, k) => {
  const i = k + 1;
  return {
    id: `img${i}`, title: `Image ${i}`, width: 800 + i, height: 600 + i, rating: i / 2, takenAt: '2024-01-01T00:00:00Z',
    tags: [{ name: 'cat', score: 0.9 }, { name: 'sofa', score: 0.5 }], author: users[i % 3],
    camera: i % 2 === 0 ? { make: 'Canon', model: 'R5', iso: 100 * i } : null,
  };
});
const rootValue = { images: ({ first }) => images.slice(0, first), viewer: () => users[0] };
const variableValues = { first: 10 };

function runOnce() {
  const document = graphql.parse(query);
  const errors = graphql.validate(schema, document);
  if (errors.length) throw errors[0];
  return graphql.execute({ schema, document, rootValue, variableValues });
}

// Serve mode (`node bench.js --serve`): interleaved batches driven by Program.cs, one line per batch on stdin
// ("<n>"), answered with "<microseconds per request> <bytes per request or NaN>". Bytes are V8 heap growth over the
// batch; NaN when a scavenge ran inside it (the heap shrank), so such batches give time only.
if (process.argv[2] === '--serve') {
  const expected = JSON.stringify(runOnce());
  const readline = require('readline');
  const rl = readline.createInterface({ input: process.stdin });
  process.stdout.write(`ready ${graphql.version} ${crypto.createHash('sha256').update(expected).digest('hex').toUpperCase()}\n`);
  rl.on('line', (line) => {
    const count = Number(line);
    if (!(count > 0)) { rl.close(); return; }
    const heapBefore = process.memoryUsage().heapUsed;
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) runOnce();
    const micros = Number(process.hrtime.bigint() - start) / 1e3 / count;
    const heapAfter = process.memoryUsage().heapUsed;
    const bytes = heapAfter >= heapBefore ? (heapAfter - heapBefore) / count : NaN;
    process.stdout.write(`${micros.toFixed(2)} ${bytes.toFixed(0)}\n`);
  });
  return;
}

const seconds = Number(process.argv[2] || 3);
const resultJson = JSON.stringify(runOnce());
for (let i = 0; i < 2000; i++) runOnce();
if (global.gc) global.gc();
const heapBefore = process.memoryUsage().heapUsed;
let n = 0;
let heapGrowth = 0;
let last = heapBefore;
const start = process.hrtime.bigint();
while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
  runOnce();
  n++;
  if (n % 100 === 0) {
    // Sample rarely (memoryUsage is not free); sum positive growth only, a drop means a scavenge happened.
    const used = process.memoryUsage().heapUsed;
    if (used > last) heapGrowth += used - last;
    last = used;
  }
}
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
const hash = crypto.createHash('sha256').update(resultJson).digest('hex').toUpperCase();
process.stdout.write(`${(n / elapsed).toFixed(0)} ${(heapGrowth / (n - (n % 100))).toFixed(0)} ${graphql.version} ${hash}\n`);
