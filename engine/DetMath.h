#pragma once

// Deterministic elementary functions (DESIGN.md, "Determinism contract": math functions
// come from one implementation compiled into the engine, never the platform's libm).
//
// Plain IEEE double arithmetic in a fixed evaluation order: no libm, no long double, no
// FMA, no platform intrinsics (the build uses -ffp-contract=off). Results are therefore
// the same bits on every platform. Accuracy: designed to stay below 1 ulp of the exact result
// over the whole domain; measured at most 1 ulp from glibc (tests/engine/tst_detmath.cpp,
// docs/ENGINE.md "Math"). Special cases follow C99 Annex F.

namespace aeroflow::engine::detmath {

double exp(double x);
double log(double x);
double pow(double x, double y);
double sin(double x);
double cos(double x);
double tan(double x);

} // namespace aeroflow::engine::detmath
