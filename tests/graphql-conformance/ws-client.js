// Runs one operation with the real graphql-ws client (graphql-transport-ws) and prints one JSON line per event:
// {"next":result}, {"complete":true}, {"error":[...]} or {"closed":code,"reason":...}. A line "stop" on stdin
// disposes the client (the subscription is completed from the client side) and prints {"disposed":true}.
// Usage: node ws-client.js <ws-url> <connection_init payload as JSON, or -> <query> [variables as JSON]
'use strict';
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');
const readline = require('readline');

const [url, init, query, variables] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: init && init !== '-' ? JSON.parse(init) : undefined,
  retryAttempts: 0,
  lazy: true,
});

let finished = false;
function finish(o) {
  if (finished) return;
  finished = true;
  print(o);
  client.dispose();
  setImmediate(() => process.exit(0));
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stop') finish({ disposed: true });
});

client.subscribe({ query, variables: variables ? JSON.parse(variables) : undefined }, {
  next: (value) => print({ next: value }),
  error: (e) => {
    if (Array.isArray(e)) finish({ error: e });
    else if (e && typeof e.code === 'number') finish({ closed: e.code, reason: e.reason });
    else finish({ failed: String(e && e.message ? e.message : e) });
  },
  complete: () => finish({ complete: true }),
});
