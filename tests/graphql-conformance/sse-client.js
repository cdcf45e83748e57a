// Subscribes with the real graphql-sse client (distinct connections mode) and prints the received results as JSON.
// Usage: node sse-client.js <url> <query>
'use strict';
const { createClient } = require('graphql-sse');

async function main() {
  const [url, query] = process.argv.slice(2);
  const client = createClient({ url, singleConnection: false, retryAttempts: 0 });
  const results = [];
  await new Promise((resolve, reject) => {
    client.subscribe({ query }, {
      next: (value) => results.push(value),
      error: reject,
      complete: resolve,
    });
  });
  client.dispose();
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : JSON.stringify(e)));
  process.exit(1);
});
