// A minimal Itanium C++ exception runtime for WebAssembly exception handling
// (clang -fwasm-exceptions, wasm32-wasi), compiled only into the wasm32
// runtime. Debian's wasm32 libc++abi is built without exception support, so
// the pieces the compiler and libc++ call are defined here, written from the
// Itanium C++ ABI (exception handling, section 2) and the contract of LLVM's
// WasmEHPrepare pass:
//
// - `throw x` calls __cxa_allocate_exception, constructs x after our header,
//   then __cxa_throw, which raises the wasm tag __cpp_exception (tag 0) with a
//   pointer to the header's _Unwind_Exception part.
// - A catch landing pad stores its index and its function's LSDA into
//   __wasm_lpad_context, calls _Unwind_CallPersonality(exn) and compares
//   __wasm_lpad_context.selector with the type-table index of each of its
//   catch clauses; 0 means "none of mine": the pad rethrows.
// - WebAssembly unwinds in one phase: cleanups (destructors) are catch_all
//   pads that run and rethrow, without asking the personality.
//
// Kept from libc++abi (they are in Debian's library and work without
// exceptions): the type_info classes and their can_catch(), std::terminate
// and the handler setters. Every extern "C" symbol of libc++abi's
// cxa_noexception.o is defined here, so that member is never linked (its
// stubs would clash).
//
// Also here: __cxa_thread_atexit, absent from that library as well.
//
// Single-threaded: the wasm32 runtime has no threads, so the caught-exception
// stack and the uncaught count are plain globals.

#include <cxxabi.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <typeinfo>

#include <unistd.h>

#if !defined(__wasm__) || !defined(__cpp_exceptions)
#error "WasmEh.cpp is the C++ exception runtime of wasm32 builds with -fwasm-exceptions only"
#endif

// libc++abi's hidden base of every type_info object the compiler emits; its
// virtual can_catch() decides whether a catch clause of this type accepts a
// thrown type, adjusting the object pointer (derived-to-base, pointer
// dereference, qualification). The slot order must match libc++abi's
// private_typeinfo.h: the destructor pair, two no-ops, then can_catch.
namespace __cxxabiv1 {
class __shim_type_info : public std::type_info {
public:
    ~__shim_type_info() override;
    virtual void noop1() const;
    virtual void noop2() const;
    virtual bool can_catch(const __shim_type_info* thrownType, void*& adjustedPtr) const = 0;
};
} // namespace __cxxabiv1

namespace {

using Destructor = void* (*)(void*); // wasm destructors return `this`

// The generic unwinder's view of an exception (Itanium ABI 2.2.1), the part
// whose address travels with the wasm exception.
struct UnwindException {
    uint64_t exceptionClass;
    void (*cleanup)(int, UnwindException*);
    uintptr_t private1;
    uintptr_t private2;
};

constexpr uint64_t classId(const char (&s)[9])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | uint8_t(s[i]);
    return v;
}
// Vendor "AERO", language "C++\0"; a dependent exception (one raised again by
// std::rethrow_exception) ends in "\1" and points at its primary one.
constexpr uint64_t kPrimaryClass = classId("AEROC++\0");
constexpr uint64_t kDependentClass = classId("AEROC++\1");

// Sits right before the thrown object. Its size is a multiple of 16, so the
// object keeps the alignment of the (16-aligned) allocation.
struct alignas(16) ExceptionHeader {
    const std::type_info* type = nullptr;
    Destructor destructor = nullptr;
    ExceptionHeader* nextCaught = nullptr; ///< the caught-exception stack
    ExceptionHeader* primary = nullptr;    ///< dependent exceptions only
    void* adjustedPtr = nullptr;           ///< what __cxa_begin_catch returns
    int handlerCount = 0;                  ///< negative while being rethrown
    int referenceCount = 0;                ///< primary: exception_ptrs + throws alive
    UnwindException unwind{};
};
static_assert(sizeof(ExceptionHeader) % 16 == 0);

ExceptionHeader* g_caught = nullptr; // innermost caught exception first
unsigned g_uncaught = 0;

ExceptionHeader* fromUnwind(void* unwind)
{
    return reinterpret_cast<ExceptionHeader*>(static_cast<char*>(unwind) - offsetof(ExceptionHeader, unwind));
}

ExceptionHeader* fromObject(void* object)
{
    return static_cast<ExceptionHeader*>(object) - 1;
}

bool isOurs(const ExceptionHeader* h)
{
    return h->unwind.exceptionClass == kPrimaryClass || h->unwind.exceptionClass == kDependentClass;
}

void* thrownObject(ExceptionHeader* h)
{
    return h->unwind.exceptionClass == kDependentClass ? static_cast<void*>(h->primary + 1) : static_cast<void*>(h + 1);
}

[[noreturn]] void fatal(const char* message)
{
    (void)!write(2, message, std::strlen(message));
    std::abort();
}

// Ends the life of a primary exception when its last reference goes.
void releasePrimary(ExceptionHeader* h)
{
    if (--h->referenceCount > 0)
        return;
    if (h->destructor)
        h->destructor(h + 1);
    std::free(h);
}

// A caught exception whose last handler ended: a dependent header is freed
// and drops its hold on the primary one.
void releaseCaught(ExceptionHeader* h)
{
    if (h->unwind.exceptionClass == kDependentClass) {
        ExceptionHeader* primary = h->primary;
        std::free(h);
        releasePrimary(primary);
    } else {
        releasePrimary(h);
    }
}

[[noreturn]] void raise(ExceptionHeader* h)
{
    ++g_uncaught;
    __builtin_wasm_throw(0, &h->unwind);
}

void onTerminate()
{
    if (g_uncaught > 0 || g_caught)
        fatal("terminate called: uncaught exception\n");
    fatal("terminate called without an active exception\n");
}

[[gnu::constructor]] void installTerminateHandler()
{
    std::set_terminate(onTerminate);
}

// ---- LSDA (gcc_except_table) reading -----------------------------------------

enum : uint8_t {
    kAbsPtr = 0x00, kUleb128 = 0x01, kUdata2 = 0x02, kUdata4 = 0x03, kUdata8 = 0x04,
    kSleb128 = 0x09, kSdata2 = 0x0A, kSdata4 = 0x0B, kSdata8 = 0x0C,
    kIndirect = 0x80, kOmit = 0xFF,
};

uintptr_t readUleb(const uint8_t*& p)
{
    uintptr_t result = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *p++;
        if (shift < sizeof(uintptr_t) * 8)
            result |= uintptr_t(byte & 0x7F) << shift;
        shift += 7;
    } while (byte & 0x80);
    return result;
}

intptr_t readSleb(const uint8_t*& p)
{
    uintptr_t result = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *p++;
        if (shift < sizeof(uintptr_t) * 8)
            result |= uintptr_t(byte & 0x7F) << shift;
        shift += 7;
    } while (byte & 0x80);
    if ((byte & 0x40) && shift < sizeof(uintptr_t) * 8)
        result |= ~uintptr_t(0) << shift;
    return intptr_t(result);
}

template <typename T> T readRaw(const uint8_t*& p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
}

// Reads one DW_EH_PE-encoded value. wasm has no program counter, so only
// absolute forms occur (pc-relative ones are rejected as a compiler bug).
uintptr_t readEncoded(const uint8_t*& p, uint8_t encoding)
{
    if (encoding == kOmit)
        return 0;
    uintptr_t v = 0;
    switch (encoding & 0x0F) {
    case kAbsPtr: v = readRaw<uintptr_t>(p); break;
    case kUleb128: v = readUleb(p); break;
    case kSleb128: v = uintptr_t(readSleb(p)); break;
    case kUdata2: v = readRaw<uint16_t>(p); break;
    case kUdata4: v = readRaw<uint32_t>(p); break;
    case kUdata8: v = uintptr_t(readRaw<uint64_t>(p)); break;
    case kSdata2: v = uintptr_t(intptr_t(readRaw<int16_t>(p))); break;
    case kSdata4: v = uintptr_t(intptr_t(readRaw<int32_t>(p))); break;
    case kSdata8: v = uintptr_t(readRaw<int64_t>(p)); break;
    default: fatal("wasm EH: unsupported LSDA encoding\n");
    }
    if ((encoding & 0x70) != 0)
        fatal("wasm EH: relative LSDA encodings are not supported\n");
    if (v && (encoding & kIndirect))
        v = *reinterpret_cast<const uintptr_t*>(v);
    return v;
}

size_t encodedSize(uint8_t encoding)
{
    switch (encoding & 0x0F) {
    case kAbsPtr: return sizeof(uintptr_t);
    case kUdata2: case kSdata2: return 2;
    case kUdata4: case kSdata4: return 4;
    case kUdata8: case kSdata8: return 8;
    default: fatal("wasm EH: type table with a variable-size encoding\n");
    }
}

// Type-table entry `index` (1-based, counted backwards from classInfo).
const __cxxabiv1::__shim_type_info* catchTypeAt(const uint8_t* classInfo, uint8_t encoding, uintptr_t index)
{
    const uint8_t* p = classInfo - index * encodedSize(encoding);
    return reinterpret_cast<const __cxxabiv1::__shim_type_info*>(readEncoded(p, encoding));
}

// Does a catch clause of type `catchType` accept the exception `h`? On yes,
// `adjusted` is the pointer the handler receives.
bool catches(const __cxxabiv1::__shim_type_info* catchType, ExceptionHeader* h, bool native, void*& adjusted)
{
    if (!native)
        return false;
    void* p = thrownObject(h);
    const auto* thrown = static_cast<const __cxxabiv1::__shim_type_info*>(h->type);
    if (!catchType->can_catch(thrown, p))
        return false;
    adjusted = p;
    return true;
}

} // namespace

// ---- the landing-pad interface (LLVM WasmEHPrepare) --------------------------

/// Written by every catch landing pad before it calls
/// _Unwind_CallPersonality: its index in the function's call-site table and
/// the function's LSDA; read back: the selector. LLVM 19 declares it
/// thread_local (plain data in a build without threads); so does this.
struct WasmLandingPadContext {
    uintptr_t lpadIndex;
    uintptr_t lsda;
    uintptr_t selector;
};
extern "C" thread_local WasmLandingPadContext __wasm_lpad_context;
thread_local WasmLandingPadContext __wasm_lpad_context = {0, 0, 0};

/// The personality of WebAssembly C++ landing pads. Sets the selector to the
/// type-table index of the first catch clause of the current landing pad that
/// accepts `exn` (negative for a violated exception specification), or 0.
/// Returns _URC_HANDLER_FOUND (6) or _URC_CONTINUE_UNWIND (8).
extern "C" int _Unwind_CallPersonality(void* exn)
{
    constexpr int kHandlerFound = 6, kContinueUnwind = 8;
    WasmLandingPadContext& ctx = __wasm_lpad_context;
    ctx.selector = 0;
    if (!exn || !ctx.lsda)
        return kContinueUnwind;
    ExceptionHeader* h = fromUnwind(exn);
    const bool native = isOurs(h);

    const uint8_t* p = reinterpret_cast<const uint8_t*>(ctx.lsda);
    const uint8_t lpStartEncoding = *p++;
    (void)readEncoded(p, lpStartEncoding);
    const uint8_t ttypeEncoding = *p++;
    const uint8_t* classInfo = nullptr;
    if (ttypeEncoding != kOmit) {
        const uintptr_t offset = readUleb(p);
        classInfo = p + offset;
    }
    ++p; // call-site encoding: always uleb128 in the landing-pad-indexed form
    const uintptr_t callSiteLength = readUleb(p);
    const uint8_t* callSite = p;
    const uint8_t* actionTable = p + callSiteLength;

    // As with SjLj, the call-site table is indexed by landing pad: entry i
    // belongs to landing pad i and holds (landing pad, action + 1).
    uintptr_t actionEntry = 0;
    bool found = false;
    for (uintptr_t i = 0; callSite < actionTable; ++i) {
        (void)readUleb(callSite);
        const uintptr_t action = readUleb(callSite);
        if (i == ctx.lpadIndex) {
            actionEntry = action;
            found = true;
            break;
        }
    }
    if (!found || actionEntry == 0)
        return kContinueUnwind; // cleanup only, or not ours to decide

    const uint8_t* action = actionTable + (actionEntry - 1);
    for (;;) {
        const intptr_t ttypeIndex = readSleb(action);
        const uint8_t* next = action;
        const intptr_t nextOffset = readSleb(action);
        if (ttypeIndex > 0) {
            const auto* catchType = catchTypeAt(classInfo, ttypeEncoding, uintptr_t(ttypeIndex));
            void* adjusted = nullptr;
            if (!catchType) { // catch (...)
                if (native)
                    h->adjustedPtr = thrownObject(h);
                ctx.selector = uintptr_t(ttypeIndex);
                return kHandlerFound;
            }
            if (catches(catchType, h, native, adjusted)) {
                h->adjustedPtr = adjusted;
                ctx.selector = uintptr_t(ttypeIndex);
                return kHandlerFound;
            }
        } else if (ttypeIndex < 0) {
            // Dynamic exception specification: a 0-terminated list of type
            // indices; the handler (unexpected) runs when none accepts.
            const uint8_t* list = classInfo + (-ttypeIndex - 1);
            bool allowed = false;
            while (const uintptr_t index = readUleb(list)) {
                void* adjusted = nullptr;
                if (catches(catchTypeAt(classInfo, ttypeEncoding, index), h, native, adjusted))
                    allowed = true;
            }
            if (!allowed) {
                if (native)
                    h->adjustedPtr = thrownObject(h);
                ctx.selector = uintptr_t(ttypeIndex);
                return kHandlerFound;
            }
        }
        if (nextOffset == 0)
            return kContinueUnwind;
        action = next + nextOffset;
    }
}

// ---- the Itanium C++ ABI entry points ------------------------------------------

namespace __cxxabiv1 {

extern "C" {

void* __cxa_allocate_exception(size_t size) throw()
{
    const size_t total = (sizeof(ExceptionHeader) + size + 15) & ~size_t(15);
    void* raw = std::aligned_alloc(16, total);
    if (!raw)
        fatal("terminate called: out of memory allocating an exception\n");
    std::memset(raw, 0, sizeof(ExceptionHeader));
    auto* h = new (raw) ExceptionHeader;
    return h + 1;
}

void __cxa_free_exception(void* object) throw()
{
    std::free(fromObject(object));
}

__cxa_exception* __cxa_init_primary_exception(void* object, std::type_info* type, void* (*destructor)(void*)) throw()
{
    ExceptionHeader* h = fromObject(object);
    h->type = type;
    h->destructor = destructor;
    h->referenceCount = 0;
    h->handlerCount = 0;
    h->adjustedPtr = object;
    h->unwind.exceptionClass = kPrimaryClass;
    return reinterpret_cast<__cxa_exception*>(h);
}

void __cxa_throw(void* object, std::type_info* type, void* (*destructor)(void*))
{
    __cxa_init_primary_exception(object, type, destructor);
    ExceptionHeader* h = fromObject(object);
    h->referenceCount = 1;
    raise(h);
}

void* __cxa_get_exception_ptr(void* exn) throw()
{
    return fromUnwind(exn)->adjustedPtr;
}

void* __cxa_begin_catch(void* exn) throw()
{
    ExceptionHeader* h = fromUnwind(exn);
    if (!isOurs(h))
        fatal("terminate called: foreign exception caught by C++\n");
    h->handlerCount = (h->handlerCount < 0 ? -h->handlerCount : h->handlerCount) + 1;
    if (h != g_caught) {
        h->nextCaught = g_caught;
        g_caught = h;
    }
    if (g_uncaught > 0)
        --g_uncaught;
    return h->adjustedPtr;
}

void __cxa_end_catch()
{
    ExceptionHeader* h = g_caught;
    if (!h)
        return;
    if (h->handlerCount < 0) {
        // Rethrown by this handler: it is in flight again, not to be freed.
        if (++h->handlerCount == 0)
            g_caught = h->nextCaught;
        return;
    }
    if (--h->handlerCount == 0) {
        g_caught = h->nextCaught;
        releaseCaught(h);
    }
}

void __cxa_rethrow()
{
    ExceptionHeader* h = g_caught;
    if (!h)
        std::terminate(); // `throw;` with no exception being handled
    h->handlerCount = -h->handlerCount;
    raise(h);
}

std::type_info* __cxa_current_exception_type()
{
    return g_caught ? const_cast<std::type_info*>(g_caught->type) : nullptr;
}

void __cxa_call_unexpected(void*)
{
    std::terminate();
}

void* __cxa_current_primary_exception() throw()
{
    ExceptionHeader* h = g_caught;
    if (!h)
        return nullptr;
    if (h->unwind.exceptionClass == kDependentClass)
        h = h->primary;
    ++h->referenceCount;
    return h + 1;
}

void __cxa_increment_exception_refcount(void* object) throw()
{
    if (object)
        ++fromObject(object)->referenceCount;
}

void __cxa_decrement_exception_refcount(void* object) throw()
{
    if (object)
        releasePrimary(fromObject(object));
}

void __cxa_rethrow_primary_exception(void* object)
{
    if (!object)
        return;
    ExceptionHeader* primary = fromObject(object);
    void* raw = std::aligned_alloc(16, sizeof(ExceptionHeader));
    if (!raw)
        fatal("terminate called: out of memory allocating an exception\n");
    auto* h = new (raw) ExceptionHeader;
    h->type = primary->type;
    h->primary = primary;
    h->adjustedPtr = object;
    h->unwind.exceptionClass = kDependentClass;
    ++primary->referenceCount;
    raise(h);
}

bool __cxa_uncaught_exception() throw()
{
    return g_uncaught != 0;
}

unsigned int __cxa_uncaught_exceptions() throw()
{
    return g_uncaught;
}

// Not about exceptions, but missing from the same library for the same
// reason (Debian builds it without threads): destructors of thread_local
// objects. The only thread is the main one, whose thread_locals end at exit.
int __cxa_atexit(void (*fn)(void*), void* object, void* dso) throw();
int __cxa_thread_atexit(void (*fn)(void*), void* object, void* dso) throw()
{
    return __cxa_atexit(fn, object, dso);
}

} // extern "C"

} // namespace __cxxabiv1
