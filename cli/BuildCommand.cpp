// `aeroflow build`: compile a program ahead of time with the LLVM backend
// (the plug-in's aeroflow_aot_emit) and link the object with the runtime
// library built for the target (runtime/, lib/aeroflow/runtime/TARGET/) into
// an executable (x86-64, AArch64) or a WASI module (wasm32, run with
// `node lib/aeroflow/runtime/wasm32/run-wasm.mjs OUT.wasm`). The linker is
// the target's C++ driver: g++, aarch64-linux-gnu-g++, clang++-19.

#include "BuildCommand.h"

#include "FileIo.h"
#include "NativeJit.h"
#include "RunCommand.h"

#include "Aot.h"
#include "Compiler.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace aeroflow::cli {

const char* const kBuildSynopsis = "build FILE [--target TARGET] [--out OUT] [-O N]";
const char* const kBuildHelp =
    "Compile FILE ahead of time to native code with LLVM and link it with the AeroFlow\n"
    "runtime into a program that prints what `aeroflow run FILE` prints, byte for byte,\n"
    "with the same exit status (it takes the same --seed, --fuel, --max-messages,\n"
    "--max-depth, --memory-limit and --log-hash options; OUT --help lists them).\n"
    "\n"
    "  --target TARGET    x86_64-linux (default), aarch64-linux (a static executable;\n"
    "                     `qemu-aarch64 OUT` runs it here) or wasm32 (a WASI module;\n"
    "                     `node lib/aeroflow/runtime/wasm32/run-wasm.mjs OUT` runs it)\n"
    "  --out OUT          the output file (default: FILE without .aefl, plus .wasm for\n"
    "                     wasm32)\n"
    "  -O N, --opt N      LLVM optimisation level 0 (fastest compile) to 3 (default 2)\n"
    "  --emit-object      write only the relocatable object to OUT (no linking)\n"
    "  --force            overwrite OUT even when it is not a program or object file\n"
    "                     (the source file itself is never overwritten)\n"
    "  -v, --verbose      print the link command and the compile times\n"
    "\n"
    "Needs the target's linker: g++ (x86_64-linux), aarch64-linux-gnu-g++ (Debian's\n"
    "g++-aarch64-linux-gnu), clang++-19 with wasi-libc and libc++-19-dev-wasm32\n"
    "(wasm32); `installer/run.sh` installs them.\n"
    "\n"
    "Exit status: 0 when OUT was written, 1 when FILE does not compile or the object\n"
    "cannot be emitted or linked, 2 on usage errors.\n";

namespace {

int usage(const std::string& message)
{
    std::cerr << "aeroflow build: " << message << "\nTry 'aeroflow build --help'.\n";
    return 2;
}

std::filesystem::path selfDir()
{
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

/// The runtime library of `target`: installed (bin/../lib/aeroflow/runtime)
/// and build tree (cli/../lib/aeroflow/runtime) have the same relative place.
std::filesystem::path runtimeDir(const std::string& target)
{
    std::error_code ec;
    const std::filesystem::path here = selfDir();
    for (const auto& base : {here / ".." / "lib" / "aeroflow" / "runtime",
                             std::filesystem::path(AEROFLOW_RUNTIME_BUILD_DIR)}) {
        const auto dir = base / target;
        if (std::filesystem::exists(dir / "libaeroflow_rt.a", ec))
            return std::filesystem::weakly_canonical(dir, ec);
    }
    return {};
}

/// Runs argv[0] (looked up on PATH) and waits; its stderr comes back in `err`.
int runProcess(const std::vector<std::string>& args, std::string& err)
{
    int pipeFd[2];
    if (::pipe(pipeFd) != 0) {
        err = std::strerror(errno);
        return -1;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        err = std::strerror(errno);
        ::close(pipeFd[0]);
        ::close(pipeFd[1]);
        return -1;
    }
    if (pid == 0) {
        ::dup2(pipeFd[1], STDERR_FILENO);
        ::dup2(pipeFd[1], STDOUT_FILENO);
        ::close(pipeFd[0]);
        ::close(pipeFd[1]);
        std::vector<char*> argv;
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execvp(argv[0], argv.data());
        std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
        ::_exit(127);
    }
    ::close(pipeFd[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(pipeFd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            err.append(buf, size_t(n));
    ::close(pipeFd[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The link command for `target`; empty for an unknown target.
std::vector<std::string> linkCommand(const std::string& target, const std::string& object,
                                     const std::filesystem::path& runtime, const std::string& out)
{
    const std::string lib = (runtime / "libaeroflow_rt.a").string();
    if (target == "x86_64-linux")
        return {"g++", "-o", out, object, lib, "-static-libstdc++", "-static-libgcc"};
    if (target == "aarch64-linux")
        return {"aarch64-linux-gnu-g++", "-static", "-o", out, object, lib};
    if (target == "wasm32")
        // An 8 MiB stack placed first, so that an overflow traps instead of
        // overwriting data (runtime/wasm/README.md).
        return {"clang++-19", "--target=wasm32-wasi", "-fwasm-exceptions", "-Wl,-z,stack-size=8388608",
                "-Wl,--stack-first", "-o", out, object, lib};
    return {};
}

std::string quoted(const std::vector<std::string>& args)
{
    std::string s;
    for (const auto& a : args)
        s += (s.empty() ? "" : " ") + (a.find(' ') == std::string::npos ? a : "'" + a + "'");
    return s;
}

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int buildCommand(const std::vector<std::string>& args)
{
    std::string file, out, target = "x86_64-linux";
    int opt = 2;
    bool verbose = false, objectOnly = false, force = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--target") {
            if (i + 1 >= args.size())
                return usage("--target needs one of x86_64-linux, aarch64-linux, wasm32");
            target = args[++i];
        } else if (a == "--out" || a == "-o") {
            if (i + 1 >= args.size() || args[i + 1].empty())
                return usage(a + " needs an output file");
            out = args[++i];
        } else if (a == "-O" || a == "--opt") {
            if (i + 1 >= args.size() || args[i + 1].size() != 1 || args[i + 1][0] < '0' || args[i + 1][0] > '3')
                return usage(a + " needs a level from 0 to 3");
            opt = args[++i][0] - '0';
        } else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3') {
            opt = a[2] - '0';
        } else if (a == "--emit-object") {
            objectOnly = true;
        } else if (a == "--force") {
            force = true;
        } else if (a == "-v" || a == "--verbose") {
            verbose = true;
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("unknown option '" + a + "'");
        } else if (file.empty()) {
            file = a;
        } else {
            return usage("expected exactly one file");
        }
    }
    if (file.empty())
        return usage("no input file");
    if (!compiler::isSourceFileName(file))
        return usage("'" + file + "' is not an AeroFlow source file (expected .aefl or .af)");
    if (codegen::aotTriple(target).empty())
        return usage("unknown target '" + target + "' (expected x86_64-linux, aarch64-linux or wasm32)");
    if (out.empty()) {
        std::filesystem::path p(file);
        p.replace_extension(target == "wasm32" ? ".wasm" : "");
        out = p.string();
    }

    if (auto why = refuseOutput(out, {file}, objectOnly ? OutputKind::Object : OutputKind::Executable, force);
        !why.empty()) {
        std::cerr << "aeroflow build: " << why << "\n";
        return 1;
    }
    auto text = readWholeFile(file);
    if (!text) {
        std::cerr << "aeroflow build: cannot read '" << file << "'\n";
        return 1;
    }
    const auto program = compileChecked("build", file, *text);
    if (!program)
        return 1;

    const std::filesystem::path runtime = runtimeDir(target);
    if (!objectOnly && runtime.empty()) {
        std::cerr << "aeroflow build: the AeroFlow runtime for " << target
                  << " is not installed (lib/aeroflow/runtime/" << target
                  << "/libaeroflow_rt.a); it is built when the target's compiler is present "
                     "(installer/deps.sh lists the packages)\n";
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto object = NativeJit::emitObject(*program, target, opt, file, *text);
    if (!object) {
        std::cerr << "aeroflow build: " << object.error() << "\n";
        return 1;
    }
    const double compileMs = msSince(t0);

    // Object and linked output go to temporary names beside OUT, renamed at the end.
    std::error_code ec;
    const std::string tmpObject = out + ".tmp-" + std::to_string(::getpid()) + ".o";
    const std::string tmpOut = out + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream o(tmpObject, std::ios::binary | std::ios::trunc);
        if (!o || !o.write(object->bytes.data(), std::streamsize(object->bytes.size())) || !o.flush()) {
            std::cerr << "aeroflow build: cannot write '" << tmpObject << "'\n";
            std::filesystem::remove(tmpObject, ec);
            return 1;
        }
    }
    if (objectOnly) {
        std::filesystem::rename(tmpObject, out, ec);
        if (ec) {
            std::cerr << "aeroflow build: cannot write '" << out << "': " << ec.message() << "\n";
            std::filesystem::remove(tmpObject, ec);
            return 1;
        }
        return 0;
    }
    const auto command = linkCommand(target, tmpObject, runtime, tmpOut);
    if (verbose)
        std::cerr << quoted(command) << "\n";
    const auto t1 = std::chrono::steady_clock::now();
    std::string linkOutput;
    const int status = runProcess(command, linkOutput);
    std::filesystem::remove(tmpObject, ec);
    if (status != 0) {
        std::cerr << "aeroflow build: linking for " << target << " with " << command[0] << " failed"
                  << (status == 127 ? " (is it installed?)" : "") << ":\n"
                  << linkOutput;
        std::filesystem::remove(tmpOut, ec);
        return 1;
    }
    std::filesystem::rename(tmpOut, out, ec);
    if (ec) {
        std::cerr << "aeroflow build: cannot write '" << out << "': " << ec.message() << "\n";
        std::filesystem::remove(tmpOut, ec);
        return 1;
    }
    if (verbose)
        std::cerr << "aeroflow build: " << out << " (" << target << ", -O" << opt << ", "
                  << object->stats.functions << " functions): compile " << int(compileMs) << " ms, link "
                  << int(msSince(t1)) << " ms\n";
    return 0;
}

} // namespace aeroflow::cli
