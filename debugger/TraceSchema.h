#pragma once
// The trace file's schema (docs/TRACE_SCHEMA.md is its specification): table
// definitions, the schema version, the meta keys, and the integer codes that
// columns store.

#include <cstdint>
#include <string_view>

namespace aeroflow::debugger {

class Database;

/// meta.schema_version of the traces this build writes and reads.
inline constexpr int kTraceSchemaVersion = 1;
/// meta.format: tells an AeroFlow trace from any other SQLite file.
inline constexpr std::string_view kTraceFormat = "aeroflow-trace";
/// Written into meta.engine_version.
inline constexpr std::string_view kEngineVersion = "0.1.0";

/// messages.outcome
/// DeadLetter: sent to an actor that had stopped (or a late answer to an ask).
enum class TraceOutcome : uint8_t { Handled = 0, Dropped = 1, Crashed = 2, DeadLetter = 3 };
/// outputs.stream (World: what the program sent to the outside world, as
/// engine::encodeOutput bytes in a BLOB; docs/TRACE_SCHEMA.md)
enum class TraceStream : uint8_t { Output = 0, Error = 1, Warning = 2, World = 3 };
inline constexpr uint8_t kTraceWorldStream = uint8_t(TraceStream::World);

/// Sender of messages from outside the program (engine::kOutsideSender),
/// stored as -1 so that it stays a one-byte integer.
inline constexpr int64_t kTraceOutsideSender = -1;

namespace meta {
inline constexpr const char* kFormat = "format";
inline constexpr const char* kSchemaVersion = "schema_version";
inline constexpr const char* kEngineVersion = "engine_version";
inline constexpr const char* kProgramHash = "program_hash";   ///< 16 lowercase hex digits
inline constexpr const char* kSeed = "seed";
inline constexpr const char* kSourceName = "source_name";
inline constexpr const char* kStartTime = "start_time";       ///< UTC, ISO 8601; the only wall-clock value
inline constexpr const char* kMaxMessages = "max_messages";
inline constexpr const char* kFuel = "fuel";
inline constexpr const char* kMaxCallDepth = "max_call_depth";
inline constexpr const char* kMemoryLimit = "memory_limit";
inline constexpr const char* kCheckpointPolicy = "checkpoint_policy";
/// "1" (the default when absent): opening a server lifts the message limit
/// (`aeroflow run` without --max-messages); "0": the limit stays.
inline constexpr const char* kServingLiftsLimit = "serving_lifts_limit";
// Written when the recording ends normally (absent after a kill).
inline constexpr const char* kComplete = "complete";          ///< "1"
inline constexpr const char* kExitCode = "exit_code";
inline constexpr const char* kMessages = "messages";
inline constexpr const char* kFinalTick = "final_tick";
inline constexpr const char* kDeadLetters = "dead_letters"; ///< messages of outcome DeadLetter
} // namespace meta

/// Creates every table of an empty trace (one transaction).
bool createTraceSchema(Database& db);
/// Indexes built once a recording ends (kept off the recording's hot path).
bool createTraceIndexes(Database& db);

} // namespace aeroflow::debugger
