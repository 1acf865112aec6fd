// Table definitions of a trace. Every change here is a schema change: bump
// kTraceSchemaVersion and update docs/TRACE_SCHEMA.md.

#include "TraceSchema.h"

#include "Sqlite.h"

namespace aeroflow::debugger {

namespace {

// Size matters (the goal is <= 64 bytes per message): integer columns only
// on the messages table, seq as the rowid (no separate key index), and no
// index on tick (seq order is tick order, so a tick is found by a binary
// search over seq, see TraceReader::seqAtTick).
constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE sources(file_id INTEGER PRIMARY KEY, path TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE actor_types(type_id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE message_types(message_id INTEGER PRIMARY KEY, name TEXT NOT NULL, arity INTEGER NOT NULL);
CREATE TABLE actors(
  actor_id INTEGER PRIMARY KEY,
  type INTEGER NOT NULL,
  name TEXT NOT NULL,
  spawned_by INTEGER,
  spawned_at_seq INTEGER NOT NULL,
  stopped_at_seq INTEGER);
CREATE TABLE messages(
  seq INTEGER PRIMARY KEY,
  tick INTEGER NOT NULL,
  sender INTEGER NOT NULL,
  receiver INTEGER NOT NULL,
  handler INTEGER,
  payload BLOB NOT NULL,
  cause_seq INTEGER NOT NULL,
  state_hash INTEGER NOT NULL,
  outcome INTEGER NOT NULL);
CREATE TABLE outputs(seq INTEGER NOT NULL, stream INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE effects(seq INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE crashes(seq INTEGER NOT NULL, actor INTEGER NOT NULL, error TEXT NOT NULL);
CREATE TABLE checkpoints(seq INTEGER PRIMARY KEY, tick INTEGER NOT NULL, snapshot BLOB NOT NULL);
CREATE TABLE input_links(seq INTEGER PRIMARY KEY, effect INTEGER NOT NULL);
CREATE VIEW messages_named AS
  SELECT m.seq, m.tick,
         CASE WHEN m.sender = -1 THEN 'outside' ELSE s.name END AS sender,
         r.name AS receiver,
         CASE WHEN m.handler IS NULL THEN '(emit)' ELSE t.name END AS handler,
         length(m.payload) AS payload_bytes, m.cause_seq,
         printf('%016x', m.state_hash) AS state_hash,
         CASE m.outcome WHEN 0 THEN 'handled' WHEN 1 THEN 'dropped' WHEN 3 THEN 'dead letter' ELSE 'crashed' END AS outcome
  FROM messages m
  LEFT JOIN actors s ON s.actor_id = m.sender
  LEFT JOIN actors r ON r.actor_id = m.receiver
  LEFT JOIN message_types t ON t.message_id = m.handler;
)sql";

} // namespace

bool createTraceSchema(Database& db)
{
    return db.exec("BEGIN") && db.exec(kSchema) && db.exec("COMMIT");
}

bool createTraceIndexes(Database& db)
{
    // "When did actor A last change before seq T" and breakpoints by
    // receiver walk one actor's messages; ~12 bytes per message, so it is
    // built once at the end instead of slowing every insert.
    return db.exec("CREATE INDEX IF NOT EXISTS messages_by_receiver ON messages(receiver, seq)");
}

} // namespace aeroflow::debugger
