#pragma once
// std::from_chars for double, on every runtime target. libc++ 19 (the wasm32
// runtime of `aeroflow build`) has no floating-point from_chars; there the
// same grammar (optional '-', decimal digits with '.' and exponent, inf,
// infinity, nan; no whitespace, no '+', no hex) is parsed by strtod, which is
// correctly rounded in wasi-libc like from_chars is everywhere else.

#include <charconv>
#include <system_error>

#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION < 200000
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#define AEROFLOW_PARSE_DOUBLE_WITH_STRTOD 1
#endif

namespace aeroflow::engine {

inline std::from_chars_result parseDouble(const char* first, const char* last, double& out)
{
#ifdef AEROFLOW_PARSE_DOUBLE_WITH_STRTOD
    const char* p = first;
    if (p != last && *p == '-')
        ++p;
    const bool startsWell = p != last && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'i' || *p == 'I' ||
                                          *p == 'n' || *p == 'N');
    if (!startsWell)
        return {first, std::errc::invalid_argument};
    if (last - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        out = first == p ? 0.0 : -0.0; // from_chars stops before the 'x'
        return {p + 1, std::errc()};
    }
    const std::string text(first, last);
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(text.c_str(), &end);
    if (end == text.c_str())
        return {first, std::errc::invalid_argument};
    const char* stop = first + (end - text.c_str());
    if (errno == ERANGE && (std::isinf(d) || d == 0.0))
        return {stop, std::errc::result_out_of_range};
    out = d;
    return {stop, std::errc()};
#else
    return std::from_chars(first, last, out);
#endif
}

} // namespace aeroflow::engine
