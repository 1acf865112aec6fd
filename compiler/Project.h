#pragma once
// Programs of several files: `import "./orders.aefl"` and
// `from "./orders.aefl" import place, Order`.
//
// The files of a program are found from its entry file through a loader the
// caller supplies (the CLI reads the disk, the Studio its open editors, tests
// a table), so the compiler itself never touches the file system and a path
// never leaves the entry file's folder. The files are compiled as one text
// (SourceFile parts), so the checker, the lowering and the engine see one
// program, and positions turn back into file:line:col through the parts.
//
// A compiled program of several files is stored and re-compiled (traces,
// snapshots, AOT builds) as a *bundle*: every file's path and text in one
// string that compile() recognises.

#include "Compiler.h"
#include "Interner.h"

#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aeroflow::compiler {

/// Reads one file of a program. `path` is relative to the entry file's
/// folder, normalised ("orders.aefl", "lib/util.aefl"): never absolute,
/// never with "." or ".." segments. Returns the text or why it cannot be
/// read ("no such file", "permission denied", "outside the project").
using SourceLoader = std::function<std::expected<std::string, std::string>(const std::string& path)>;

/// Limits on what a program's imports may pull in (untrusted input).
struct ProjectLimits {
    static constexpr size_t kMaxFiles = 256;
    static constexpr size_t kMaxFileBytes = size_t(16) << 20;
    static constexpr size_t kMaxTotalBytes = size_t(64) << 20;
};

/// Compiles the program whose entry file is `name` (its display name and
/// path, such as "shop/main.aefl") with text `text`. Its file imports are
/// read through `loader`. A program without file imports compiles exactly as
/// compile(name, text). The result's programSource() is the text to store.
CompileResult compileProject(std::string name, std::string text, const SourceLoader& loader,
    const CompileOptions& options = {});

/// The same for a file that is not at the top of its program's folder:
/// `pathInProject` is its normalised path there ("lib/tax.aefl"), so that
/// its imports resolve from that folder (an editor showing one file of a
/// recorded program compiles it so).
CompileResult compileProjectAt(std::string name, std::string pathInProject, std::string text,
    const SourceLoader& loader, const CompileOptions& options = {});

/// Why `path` (as written in an import) is not an acceptable import path, or
/// "" when it is: relative ("./" or "../"), with '/', naming a .aefl or .af file.
std::string importPathProblem(std::string_view path);

/// `from` (a normalised path of a file of the program) imports `path`: the
/// normalised path of the imported file, or an error when it would leave the
/// entry file's folder.
std::expected<std::string, std::string> resolveImportPath(std::string_view from, std::string_view path);

/// How a file at normalised path `from` writes an import of the file at
/// normalised path `to` ("./orders.aefl", "../lib/util.aefl").
std::string relativeImportPath(std::string_view from, std::string_view to);

/// The folder part of an entry file's name ("shop/" for "shop/main.aefl",
/// "" for "main.aefl"): a file's display name is it followed by its path.
std::string sourceDirectory(std::string_view entryName);

/// One file of a bundle: its normalised path and its text.
struct BundleFile {
    std::string path;
    std::string text;
};

/// Does `text` hold a bundle (rather than one file's source)?
bool isSourceBundle(std::string_view text);
/// Every file of a program in one string; the first is the entry file.
std::string encodeSourceBundle(const std::vector<BundleFile>& files);
/// The files of a bundle, or why it is damaged.
std::expected<std::vector<BundleFile>, std::string> decodeSourceBundle(std::string_view text);

/// What each file of a program may see of the others: the checker's view of
/// the imports. Index = part index of the SourceFile (0 = entry file).
struct ProjectScopes {
    enum class Sees : uint8_t { Nothing, Everything, Listed };
    struct File {
        std::string path;                       ///< normalised, for messages
        std::vector<Sees> sees;                 ///< by file index
        std::vector<std::vector<Name>> listed;  ///< by file index: `from` names
        std::vector<std::string> standardImports; ///< standard modules it imports
    };
    std::vector<File> files;
};

} // namespace aeroflow::compiler
