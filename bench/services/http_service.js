// The Node.js peer of http_service.aefl (bench/services/run.py): the same two
// routes with the same bodies, on Node's own `http` module, one process.
//
//   GET /hello            {"message":"Hello, World!"}
//   GET /count?name=NAME  {"name":NAME,"count":N}   (counts kept in a Map)
//
//   node http_service.js [PORT]     (0 or none: any free port)
// Prints "listening on http://127.0.0.1:PORT" on stderr; SIGTERM closes the
// server and exits 0.
'use strict';
const http = require('http');

const counts = new Map();

const server = http.createServer((req, res) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path === '/hello') {
    const body = JSON.stringify({ message: 'Hello, World!' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else if (path === '/count') {
    const params = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const name = params.get('name') ?? 'anon';
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    const body = JSON.stringify({ name, count: n });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
});
// No idle or request timeouts that wrk's steady load could trip.
server.keepAliveTimeout = 60000;

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.error(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
