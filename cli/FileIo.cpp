#include "FileIo.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace aeroflow::cli {

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
