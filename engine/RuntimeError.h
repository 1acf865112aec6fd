#pragma once
// The error every runtime check raises inside the engine. It is thrown only
// within aeroflow_engine (the VM catches it at the boundary of a handler or of
// the main program and turns it into a crash event); no exception leaves the
// library's public API.

#include <string>

namespace aeroflow::engine {

enum class ErrorKind : uint8_t { Plain, Fuel, CallDepth, Memory, Deadlock };

struct RuntimeError {
    std::string message;
    ErrorKind kind = ErrorKind::Plain;
};

[[noreturn]] inline void fail(std::string message, ErrorKind kind = ErrorKind::Plain)
{
    throw RuntimeError{std::move(message), kind};
}

} // namespace aeroflow::engine
