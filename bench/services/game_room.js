// The Node.js peer of resources/examples/services/game_room/room.aefl for the
// game-room benchmark (bench/services/run.py), on the npm package `ws`: the
// same protocol, state and broadcast, tick by tick.
//
// Clients send {"type":"join","name":"p1"}, {"type":"move","dx":1,"dy":0} and
// {"type":"say","text":"hi"}; every 16 ms (setInterval, the room.aefl
// `every(16, ...)`) every connection gets
//   {"tick":N,"t":MS,"players":COUNT,"moves":[{"name":..,"x":..,"y":..}],"chat":[...]}
// with t = Date.now() at the tick and the players that moved since the last one.
//
//   node game_room.js [PORT]     (0 or none: any free port)
// Prints "listening on ws://127.0.0.1:PORT" on stderr; SIGTERM closes it, exit 0.
'use strict';
const path = require('path');
const { WebSocketServer } = require(path.join(__dirname, 'node_modules', 'ws'));

const SIZE = 1000;
const clamp = (v) => Math.max(0, Math.min(SIZE - 1, v));

const conns = [];            // open connections, in the order they joined
const players = new Map();   // connection -> {name, x, y}
let moved = new Map();       // connection -> true, since the last tick
let chat = [];
let tick = 0;
let timer = null;

function onTick() {
  tick += 1;
  const moves = [];
  for (const c of moved.keys()) {
    const p = players.get(c);
    if (p) moves.push({ name: p.name, x: p.x, y: p.y });
  }
  const frame = JSON.stringify({ tick, t: Date.now(), players: players.size, moves, chat });
  for (const c of conns) c.send(frame);
  moved = new Map();
  chat = [];
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] || 0) }, () => {
  console.error(`listening on ws://127.0.0.1:${wss.address().port}`);
});
wss.on('connection', (ws) => {
  conns.push(ws);
  if (timer === null) timer = setInterval(onTick, 16);
  ws.on('message', (data) => {
    let m;
    try {
      m = JSON.parse(data);
    } catch {
      ws.send(JSON.stringify({ error: 'frames must be JSON' }));
      return;
    }
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return;
    const kind = m.type ?? '';
    if (kind === 'join') {
      players.set(ws, { name: String(m.name ?? 'anon'), x: 0, y: 0 });
      moved.set(ws, true);
    } else if (kind === 'move' && players.has(ws)) {
      const dx = m.dx ?? 0, dy = m.dy ?? 0;
      if (Number.isInteger(dx) && Number.isInteger(dy)) {
        const p = players.get(ws);
        players.set(ws, { name: p.name, x: clamp(p.x + dx), y: clamp(p.y + dy) });
        moved.set(ws, true);
      }
    } else if (kind === 'say' && players.has(ws)) {
      chat.push({ name: players.get(ws).name, text: String(m.text ?? '') });
    }
  });
  ws.on('close', () => {
    const i = conns.indexOf(ws);
    if (i >= 0) conns.splice(i, 1);
    players.delete(ws);
    moved.delete(ws);
    if (conns.length === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  });
});
process.on('SIGTERM', () => {
  for (const c of conns) c.terminate();
  wss.close(() => process.exit(0));
});
