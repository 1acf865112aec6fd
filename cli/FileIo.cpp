#include "FileIo.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace aeroflow::cli {

compiler::SourceLoader diskSourceLoader(const std::string& entryPath)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path root = entryPath == "-" ? fs::path(".") : fs::path(entryPath).parent_path();
    if (root.empty())
        root = ".";
    const fs::path canonicalRoot = fs::weakly_canonical(fs::absolute(root, ec), ec);
    return [root, canonicalRoot](const std::string& rel) -> std::expected<std::string, std::string> {
        std::error_code ec;
        const fs::path file = root / rel;
        const fs::file_status st = fs::status(file, ec);
        if (ec || !fs::exists(st))
            return std::unexpected(std::string("no such file"));
        if (fs::is_directory(st))
            return std::unexpected(std::string("is a directory"));
        if (!fs::is_regular_file(st))
            return std::unexpected(std::string("not a regular file"));
        // A symbolic link may lead out of the program's folder: follow it and look.
        const fs::path real = fs::canonical(file, ec);
        if (ec)
            return std::unexpected(ec.message());
        const auto [rootEnd, realIt] = std::mismatch(canonicalRoot.begin(), canonicalRoot.end(), real.begin(), real.end());
        if (rootEnd != canonicalRoot.end())
            return std::unexpected(std::string("it leads outside the program's folder (through a symbolic link)"));
        const auto size = fs::file_size(real, ec);
        if (!ec && size > compiler::ProjectLimits::kMaxFileBytes)
            return std::unexpected("the file is too large (" + std::to_string(size >> 20) + " MiB; at most "
                                   + std::to_string(compiler::ProjectLimits::kMaxFileBytes >> 20) + " MiB)");
        auto text = readWholeFile(real.string());
        if (!text)
            return std::unexpected(std::string("cannot read it (permission denied?)"));
        return std::move(*text);
    };
}

compiler::CompileResult compileEntryFile(const std::string& path, std::string text,
                                         const compiler::CompileOptions& options)
{
    return compiler::compileProject(path == "-" ? "<stdin>" : path, std::move(text), diskSourceLoader(path), options);
}

bool writeAtomically(const std::string& path, const std::function<bool(std::ostream&)>& write, std::string& error)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            error = "cannot write '" + path + "'";
            return false;
        }
        if (!write(out) || !out.flush()) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            if (error.empty())
                error = "cannot write '" + path + "' (disk full?)";
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        error = "cannot write '" + path + "': " + ec.message();
        std::filesystem::remove(tmp, ec);
        return false;
    }
    return true;
}

namespace {

const char* kindName(OutputKind kind)
{
    switch (kind) {
    case OutputKind::Trace: return "a trace";
    case OutputKind::Snapshot: return "a snapshot";
    case OutputKind::Executable: return "a program";
    case OutputKind::Object: return "an object file";
    case OutputKind::Json: return "a JSON export";
    case OutputKind::Csv: return "a CSV export";
    }
    return "an output";
}

/// Is `head` (the first bytes of an existing file) a file of `kind`?
bool looksLike(OutputKind kind, std::string_view head)
{
    auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
    switch (kind) {
    case OutputKind::Trace: return starts(std::string_view("SQLite format 3\0", 16));
    case OutputKind::Snapshot: return starts("\x89" "AFS\r\n\x1a\n");
    case OutputKind::Executable: return starts("\x7f" "ELF") || starts(std::string_view("\0asm", 4));
    case OutputKind::Object: return starts("\x7f" "ELF") || starts(std::string_view("\0asm", 4));
    case OutputKind::Json: {
        const size_t at = head.find_first_not_of(" \t\r\n");
        return at != std::string_view::npos && (head[at] == '{' || head[at] == '[');
    }
    case OutputKind::Csv: return head.find('\0') == std::string_view::npos && head.find(',') != std::string_view::npos;
    }
    return false;
}

} // namespace

std::string refuseOutput(const std::string& out, const std::vector<std::string>& inputs, OutputKind kind, bool force)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path target(out);
    if (!fs::exists(target, ec))
        return {};
    for (const std::string& in : inputs) {
        std::error_code e2;
        if (!in.empty() && fs::equivalent(target, fs::path(in), e2))
            return "'" + out + "' is the input file '" + in + "': writing it would destroy it; choose another output";
    }
    if (fs::is_directory(target, ec))
        return "'" + out + "' is a directory";
    if (force || fs::file_size(target, ec) == 0 || ec)
        return {};
    std::ifstream f(out, std::ios::binary);
    std::string head(512, '\0');
    f.read(head.data(), std::streamsize(head.size()));
    head.resize(size_t(std::max<std::streamsize>(0, f.gcount())));
    if (looksLike(kind, head))
        return {};
    return "'" + out + "' exists and is not " + kindName(kind) + "; refusing to overwrite it (use --force)";
}

std::optional<std::string> readWholeFile(const std::string& file)
{
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace aeroflow::cli
