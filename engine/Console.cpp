#include "Console.h"

#include <cstdlib>
#include <iostream>
#include <string>

namespace aeroflow::engine {

void installConsoleEffects(RunOptions& options)
{
    options.env = [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    options.readLine = []() -> std::optional<std::string> {
        std::string line;
        if (!std::getline(std::cin, line))
            return std::nullopt;
        return line;
    };
}

OutputFn consoleOutput()
{
    return [](Stream s, std::string_view t) {
        if (s == Stream::Output)
            std::cout << t;
        else {
            std::cout.flush();
            std::cerr << t;
        }
    };
}

} // namespace aeroflow::engine
