// The Node.js peer of ws_broadcast.aefl (bench/services/run.py): one room on
// the npm package `ws` (bench/services/package.json); every text message a
// client sends goes to every open connection (the sender included), unchanged.
//
//   node ws_broadcast.js [PORT]     (0 or none: any free port)
// Prints "listening on ws://127.0.0.1:PORT" on stderr; SIGTERM closes it, exit 0.
'use strict';
const path = require('path');
const { WebSocketServer } = require(path.join(__dirname, 'node_modules', 'ws'));

const conns = new Set();
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] || 0) }, () => {
  console.error(`listening on ws://127.0.0.1:${wss.address().port}`);
});
wss.on('connection', (ws) => {
  conns.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const c of conns) c.send(data, { binary: isBinary });
  });
  ws.on('close', () => conns.delete(ws));
});
process.on('SIGTERM', () => {
  for (const c of conns) c.terminate();
  wss.close(() => process.exit(0));
});
