// Self-test of the wasm32 C++ exception runtime (WasmEh.cpp): a standalone
// program, built with clang++ --target=wasm32-wasi -fwasm-exceptions and run
// under Node.js by selftest.sh. Prints one line per case and "ALL OK" at the
// end; exits 1 when any case fails. With the argument "terminate" it lets an
// exception reach a noexcept function instead, which must end the process
// through std::terminate (selftest.sh checks the message and the status).
//
// Every thrower is out of line and reached through opaque values, so the
// compiler cannot resolve a throw statically and the runtime does the work.

#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

int g_failures = 0;

void check(const char* name, bool ok)
{
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", name);
    if (!ok)
        ++g_failures;
}

// Opaque to the optimiser: keeps conditions and call targets unknown.
volatile int g_one = 1;

int g_liveObjects = 0;  // Tracked objects constructed and not yet destroyed
int g_destroyed = 0;    // Guard destructors run

struct Guard {
    ~Guard() { ++g_destroyed; }
};

struct Tracked {
    int id;
    explicit Tracked(int i) : id(i) { ++g_liveObjects; }
    Tracked(const Tracked& o) : id(o.id) { ++g_liveObjects; }
    ~Tracked() { --g_liveObjects; }
};

struct AppError : std::runtime_error {
    int code;
    AppError(const std::string& what, int c) : std::runtime_error(what), code(c) {}
};

// A plain struct like the engine's RuntimeError / VmError.
struct PlainError {
    std::string message;
    int kind = 0;
};

// Non-zero base offset: catching as Second& must adjust the pointer.
struct First {
    long long padding[3] = {1, 2, 3};
    virtual ~First() = default;
};
struct Second {
    int marker = 0x5EC0;
    virtual ~Second() = default;
};
struct Both : First, Second {
    Tracked t{7};
};

[[gnu::noinline]] void throwAppError(int code)
{
    if (g_one)
        throw AppError("app error " + std::to_string(code), code);
}

[[gnu::noinline]] void throwPlain(std::string message)
{
    if (g_one)
        throw PlainError{std::move(message), 3};
}

[[gnu::noinline]] void throwInt(int v)
{
    if (g_one)
        throw v;
}

[[gnu::noinline]] void throwBoth()
{
    if (g_one)
        throw Both{};
}

[[gnu::noinline]] int descend(int depth)
{
    Guard g;
    if (depth == 0) {
        throwPlain("from the bottom of the stack, long enough not to fit a small string buffer");
        return 0;
    }
    return descend(depth - 1) + g_one;
}

bool derivedByBaseReference()
{
    try {
        throwAppError(42);
    } catch (const std::exception& e) {
        const auto* app = dynamic_cast<const AppError*>(&e);
        return std::strcmp(e.what(), "app error 42") == 0 && app && app->code == 42;
    }
    return false;
}

bool derivedByExactType()
{
    try {
        throwAppError(7);
    } catch (const std::logic_error&) {
        return false; // wrong branch: AppError is no logic_error
    } catch (AppError& e) {
        return e.code == 7;
    }
    return false;
}

bool plainStruct()
{
    try {
        throwPlain("plain");
    } catch (const std::exception&) {
        return false;
    } catch (const PlainError& e) {
        return e.message == "plain" && e.kind == 3;
    }
    return false;
}

bool catchAll()
{
    try {
        throwInt(5);
    } catch (const PlainError&) {
        return false;
    } catch (...) {
        return true;
    }
    return false;
}

bool catchInt()
{
    try {
        throwInt(99);
    } catch (long) {
        return false; // no conversions in catch matching
    } catch (int v) {
        return v == 99;
    }
    return false;
}

bool rethrowFromCatchAll()
{
    int inner = 0;
    try {
        try {
            throwAppError(11);
        } catch (...) {
            ++inner;
            throw;
        }
    } catch (const AppError& e) {
        return inner == 1 && e.code == 11 && std::uncaught_exceptions() == 0;
    }
    return false;
}

bool rethrownObjectStaysAlive()
{
    const int before = g_liveObjects;
    bool aliveOutside = false;
    try {
        try {
            if (g_one)
                throw Tracked(5);
        } catch (const Tracked&) {
            throw; // leaving this handler must not destroy the object in flight
        }
    } catch (const Tracked& t) {
        aliveOutside = t.id == 5 && g_liveObjects == before + 1;
    }
    return aliveOutside && g_liveObjects == before;
}

bool nestedTryInCatch()
{
    try {
        throwPlain("outer");
    } catch (PlainError& outer) {
        bool innerOk = false;
        try {
            throwInt(3);
        } catch (int v) {
            innerOk = v == 3;
        }
        // A rethrow of the outer exception inside the handler, caught again.
        bool rethrowOk = false;
        try {
            throw;
        } catch (PlainError& again) {
            rethrowOk = &again == &outer;
        }
        return innerOk && rethrowOk && outer.message == "outer";
    }
    return false;
}

bool destructorsDuringUnwinding()
{
    g_destroyed = 0;
    try {
        Guard a;
        Guard b;
        throwInt(1);
    } catch (int) {
        return g_destroyed == 2;
    }
    return false;
}

bool crossingFrames()
{
    g_destroyed = 0;
    try {
        (void)descend(40);
    } catch (const PlainError& e) {
        return g_destroyed == 41 && e.message.size() > 40 && e.message.rfind("from the bottom", 0) == 0;
    }
    return false;
}

bool throughFunctionPointer()
{
    void (*volatile fn)(int) = &throwAppError;
    try {
        fn(8);
    } catch (const std::runtime_error& e) {
        return std::string(e.what()) == "app error 8";
    }
    return false;
}

bool stringMembersSurvive()
{
    const std::string longText(300, 'x');
    PlainError copy;
    try {
        throwPlain(longText + "!");
    } catch (PlainError e) { // by value: copied out of the exception object
        copy = e;
    }
    return copy.message.size() == 301 && copy.message.back() == '!' && copy.message[0] == 'x';
}

bool baseAdjustment()
{
    const int liveBefore = g_liveObjects;
    bool ok = false;
    try {
        throwBoth();
    } catch (Second& s) {
        ok = s.marker == 0x5EC0 && dynamic_cast<Both*>(&s) && dynamic_cast<Both*>(&s)->t.id == 7;
    }
    return ok && g_liveObjects == liveBefore; // the exception object was destroyed
}

bool pointerCatch()
{
    static AppError shared("shared", 1);
    try {
        if (g_one)
            throw &shared;
    } catch (std::exception* e) {
        return e == &shared;
    }
    return false;
}

bool objectsFreed()
{
    const int before = g_liveObjects;
    for (int i = 0; i < 100; ++i) {
        try {
            if (g_one)
                throw Tracked(i);
        } catch (const Tracked& t) {
            if (t.id != i)
                return false;
        }
    }
    return g_liveObjects == before;
}

bool uncaughtDuringUnwinding()
{
    struct Probe {
        int* seen;
        ~Probe() { *seen = std::uncaught_exceptions(); }
    };
    int seen = -1;
    try {
        Probe p{&seen};
        throwInt(0);
    } catch (int) {
        return seen == 1 && std::uncaught_exceptions() == 0;
    }
    return false;
}

bool exceptionPtr()
{
    std::exception_ptr saved;
    try {
        throwAppError(21);
    } catch (...) {
        saved = std::current_exception();
    }
    if (!saved)
        return false;
    try {
        std::rethrow_exception(saved);
    } catch (const AppError& e) {
        return e.code == 21;
    }
    return false;
}

bool exceptionInContainerLoop()
{
    // The engine's pattern: work in a loop, a handler that records and carries on.
    std::vector<std::string> log;
    for (int i = 0; i < 5; ++i) {
        try {
            if (i % 2)
                throwPlain("odd " + std::to_string(i));
            log.push_back("even " + std::to_string(i));
        } catch (const PlainError& e) {
            log.push_back(e.message);
        }
    }
    return log.size() == 5 && log[1] == "odd 1" && log[4] == "even 4";
}

[[gnu::noinline]] void mustNotThrow() noexcept
{
    throwInt(13); // reaches the noexcept boundary: std::terminate
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1 && std::strcmp(argv[1], "terminate") == 0) {
        std::printf("calling a noexcept function that throws\n");
        std::fflush(stdout);
        mustNotThrow();
        return 0; // unreachable when the runtime works
    }
    check("derived from std::runtime_error caught as const std::exception&", derivedByBaseReference());
    check("derived caught by its own type, unrelated catch skipped", derivedByExactType());
    check("plain struct", plainStruct());
    check("catch (...)", catchAll());
    check("int caught as int, not as long", catchInt());
    check("throw; from catch (...) caught outside", rethrowFromCatchAll());
    check("rethrown object alive until the outer handler ends", rethrownObjectStaysAlive());
    check("nested try in a catch, rethrow caught inside the handler", nestedTryInCatch());
    check("destructors run during unwinding", destructorsDuringUnwinding());
    check("exception crossing 41 frames", crossingFrames());
    check("thrown through a function pointer call", throughFunctionPointer());
    check("std::string members survive (catch by value)", stringMembersSurvive());
    check("second base of a multiple-inheritance class (adjusted pointer)", baseAdjustment());
    check("thrown pointer caught as base pointer", pointerCatch());
    check("100 exception objects destroyed after their handlers", objectsFreed());
    check("std::uncaught_exceptions during unwinding", uncaughtDuringUnwinding());
    check("std::exception_ptr and rethrow_exception", exceptionPtr());
    check("throw/catch in a loop", exceptionInContainerLoop());
    if (g_failures) {
        std::printf("%d FAILED\n", g_failures);
        return 1;
    }
    std::printf("ALL OK\n");
    return 0;
}
