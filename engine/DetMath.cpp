// Deterministic elementary functions: see DetMath.h and docs/ENGINE.md ("Math").
//
// Every function is written in plain double arithmetic with a fixed evaluation order.
// Error-free transformations (two_sum, two_prod with Veltkamp splitting) carry the extra
// precision where it matters (range reductions, pow). No libm call, no long double, no FMA.

#include "DetMath.h"

#include <bit>
#include <cfloat>
#include <cstdint>
#include <limits>

// Every double operation must round to double (SSE2 / AArch64 style), never to a wider
// format (x87 extended precision would make results depend on register allocation).
static_assert(FLT_EVAL_METHOD == 0, "DetMath needs double operations evaluated in double precision");
static_assert(std::numeric_limits<double>::is_iec559, "DetMath needs IEEE 754 binary64 doubles");

namespace aeroflow::engine::detmath {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isNaN(double x) { return x != x; }
bool isInf(double x) { return x == kInf || x == -kInf; }
double absD(double x) { return std::bit_cast<double>(std::bit_cast<uint64_t>(x) & 0x7fffffffffffffffULL); }
bool signBit(double x) { return (std::bit_cast<uint64_t>(x) >> 63) != 0; }

// 2^k for -1022 <= k <= 1023.
double pow2(int k) { return std::bit_cast<double>(uint64_t(k + 1023) << 52); }

// Round to nearest integer (ties away from zero); |t| is small enough to fit an int.
int nearestInt(double t) { return int(t + (t >= 0 ? 0.5 : -0.5)); }

// --- double-double helpers --------------------------------------------------------------

struct DD {
    double hi, lo;
};

DD twoSum(double a, double b)
{
    const double s = a + b;
    const double bb = s - a;
    const double err = (a - (s - bb)) + (b - bb);
    return {s, err};
}

DD fastTwoSum(double a, double b) // requires |a| >= |b| (or a == 0)
{
    const double s = a + b;
    return {s, b - (s - a)};
}

DD split(double a) // Veltkamp: a = hi + lo, each with at most 26 significant bits
{
    const double c = 134217729.0 * a; // 2^27 + 1
    const double hi = c - (c - a);
    return {hi, a - hi};
}

DD twoProd(double a, double b) // a*b exactly as hi + lo (no overflow for |a|,|b| < 2^995)
{
    const double p = a * b;
    const DD as = split(a);
    const DD bs = split(b);
    const double err = ((as.hi * bs.hi - p) + as.hi * bs.lo + as.lo * bs.hi) + as.lo * bs.lo;
    return {p, err};
}

DD ddAdd(DD a, DD b)
{
    DD s = twoSum(a.hi, b.hi);
    s.lo += a.lo + b.lo;
    return fastTwoSum(s.hi, s.lo);
}

DD ddMul(DD a, DD b)
{
    DD p = twoProd(a.hi, b.hi);
    p.lo += a.hi * b.lo + a.lo * b.hi;
    return fastTwoSum(p.hi, p.lo);
}

DD ddMulD(DD a, double b)
{
    DD p = twoProd(a.hi, b);
    p.lo += a.lo * b;
    return fastTwoSum(p.hi, p.lo);
}

// --- constants (hex literals: exact, independent of any decimal conversion) -------------

// ln 2 split for Cody-Waite: kLn2Hi has 32 significant bits, so k*kLn2Hi is exact for |k| < 2^21.
constexpr double kLn2Hi = 0x1.62e42feep-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
// ln 2 as a double-double.
constexpr DD kLn2 = {0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56};
constexpr double kInvLn2 = 0x1.71547652b82fep+0;

// pi/2 = kPio2_1 + kPio2_2 + kPio2_3 + kPio2_4; the first three have at most 33 significant
// bits, so n*kPio2_i is exact for |n| < 2^20.
constexpr double kPio2_1 = 0x1.921fb544p+0;
constexpr double kPio2_2 = 0x1.0b4611a6p-34;
constexpr double kPio2_3 = 0x1.3198a2ep-69;
constexpr double kPio2_4 = 0x1.b839a252049c1p-104;
constexpr DD kPio2 = {0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54};
constexpr double kInvPio2 = 0x1.45f306dc9c883p-1;

// 1/n! for the Taylor polynomials of exp, sin and cos.
constexpr double kF2 = 0x1.0p-1;
constexpr double kF3 = 0x1.5555555555555p-3;
constexpr double kF4 = 0x1.5555555555555p-5;
constexpr double kF5 = 0x1.1111111111111p-7;
constexpr double kF6 = 0x1.6c16c16c16c17p-10;
constexpr double kF7 = 0x1.a01a01a01a01ap-13;
constexpr double kF8 = 0x1.a01a01a01a01ap-16;
constexpr double kF9 = 0x1.71de3a556c734p-19;
constexpr double kF10 = 0x1.27e4fb7789f5cp-22;
constexpr double kF11 = 0x1.ae64567f544e4p-26;
constexpr double kF12 = 0x1.1eed8eff8d898p-29;
constexpr double kF13 = 0x1.6124613a86d09p-33;
constexpr double kF14 = 0x1.93974a8c07c9dp-37;
constexpr double kF15 = 0x1.ae7f3e733b81fp-41;
constexpr double kF16 = 0x1.ae7f3e733b81fp-45;
constexpr double kF17 = 0x1.952c77030ad4ap-49;
constexpr double kF18 = 0x1.6827863b97d97p-53;
constexpr double kF19 = 0x1.2f49b46814157p-57;
constexpr double kF20 = 0x1.e542ba4020225p-62;

// --- exp ----------------------------------------------------------------------------------

// Scale y (in [0.5, 2)) by 2^k, -1100 < k <= 1024, with a single rounding.
double scaleByPow2(double y, int k)
{
    if (k > 1023)
        return y * 2.0 * pow2(1023); // overflows to inf when it must
    if (k >= -1022)
        return y * pow2(k);
    return (y * pow2(k + 64)) * 0x1p-64; // exact first product; one rounding into subnormals
}

// e^(hi + lo) with |lo| tiny relative to |hi|; hi finite.
double expCore(double hi, double lo)
{
    if (hi > 709.79)
        return kInf;
    if (hi < -745.14)
        return 0.0;
    // hi = k ln2 + r, |r| <= ln2/2 (a little more when the rounding of t moves k).
    const int k = nearestInt(hi * kInvLn2);
    const double fk = k;
    const double a = hi - fk * kLn2Hi; // exact: fk*kLn2Hi is exact and close to hi
    const DD rs = twoSum(a, -(fk * kLn2Lo));
    const double r = rs.hi;
    const double e = rs.lo + lo; // what r misses of the reduced argument
    // Taylor polynomial of e^r - 1 - r through r^15 (truncation < 2^-68 relative).
    double p = kF15;
    p = kF14 + r * p;
    p = kF13 + r * p;
    p = kF12 + r * p;
    p = kF11 + r * p;
    p = kF10 + r * p;
    p = kF9 + r * p;
    p = kF8 + r * p;
    p = kF7 + r * p;
    p = kF6 + r * p;
    p = kF5 + r * p;
    p = kF4 + r * p;
    p = kF3 + r * p;
    p = kF2 + r * p;
    const double q = (r * r) * p;
    // e^(r+e) = e^r (1 + e) ~ 1 + r + q + e (1 + r + q)
    const double y = 1.0 + (r + (q + e * (1.0 + (r + q))));
    return scaleByPow2(y, k);
}

// --- log ----------------------------------------------------------------------------------

// x = 2^k m with m in [sqrt(2)/2, sqrt(2)); x positive, finite, non-zero.
double decompose(double x, int& k)
{
    k = 0;
    uint64_t bits = std::bit_cast<uint64_t>(x);
    if ((bits >> 52) == 0) { // subnormal
        x *= 0x1p54;
        k = -54;
        bits = std::bit_cast<uint64_t>(x);
    }
    k += int(bits >> 52) - 1023;
    uint64_t mant = bits & 0x000fffffffffffffULL;
    if (mant > 0x6a09e667f3bccULL) { // m > sqrt(2): use m/2
        ++k;
        return std::bit_cast<double>(mant | (uint64_t(1022) << 52));
    }
    return std::bit_cast<double>(mant | (uint64_t(1023) << 52));
}

// 2/(2n+1), n = 1..12: log(1+f) = f - f^2/2 + s (f^2/2 + R), R = sum 2 s^(2n)/(2n+1).
constexpr double kL3 = 0x1.5555555555555p-1;
constexpr double kL5 = 0x1.999999999999ap-2;
constexpr double kL7 = 0x1.2492492492492p-2;
constexpr double kL9 = 0x1.c71c71c71c71cp-3;
constexpr double kL11 = 0x1.745d1745d1746p-3;
constexpr double kL13 = 0x1.3b13b13b13b14p-3;
constexpr double kL15 = 0x1.1111111111111p-3;
constexpr double kL17 = 0x1.e1e1e1e1e1e1ep-4;
constexpr double kL19 = 0x1.af286bca1af28p-4;
constexpr double kL21 = 0x1.8618618618618p-4;
constexpr double kL23 = 0x1.642c8590b2164p-4;
constexpr double kL25 = 0x1.47ae147ae147bp-4;

// 1/(2n+1), n = 1..13, for the double-double log used by pow.
constexpr DD kThird = {0x1.5555555555555p-2, 0x1.5555555555555p-56};
constexpr double kI5 = 0x1.999999999999ap-3;
constexpr double kI7 = 0x1.2492492492492p-3;
constexpr double kI9 = 0x1.c71c71c71c71cp-4;
constexpr double kI11 = 0x1.745d1745d1746p-4;
constexpr double kI13 = 0x1.3b13b13b13b14p-4;
constexpr double kI15 = 0x1.1111111111111p-4;
constexpr double kI17 = 0x1.e1e1e1e1e1e1ep-5;
constexpr double kI19 = 0x1.af286bca1af28p-5;
constexpr double kI21 = 0x1.8618618618618p-5;
constexpr double kI23 = 0x1.642c8590b2164p-5;
constexpr double kI25 = 0x1.47ae147ae147bp-5;
constexpr double kI27 = 0x1.2f684bda12f68p-5;

// log(x) as a double-double, relative error below 2^-64; x positive, finite, non-zero.
DD logDD(double x)
{
    int k;
    const double m = decompose(x, k);
    const double f = m - 1.0; // exact
    // s = f / (m + 1) as a double-double; log(m) = 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + ...)
    const DD d = twoSum(m, 1.0);
    const double sh = f / d.hi;
    const DD pr = twoProd(sh, d.hi);
    const double sl = (((f - pr.hi) - pr.lo) - sh * d.lo) / d.hi;
    const DD s = fastTwoSum(sh, sl);
    DD z = twoProd(s.hi, s.hi);
    z.lo += 2.0 * s.hi * s.lo;
    z = fastTwoSum(z.hi, z.lo);
    const double w = z.hi;
    double q = kI27;
    q = kI25 + w * q;
    q = kI23 + w * q;
    q = kI21 + w * q;
    q = kI19 + w * q;
    q = kI17 + w * q;
    q = kI15 + w * q;
    q = kI13 + w * q;
    q = kI11 + w * q;
    q = kI9 + w * q;
    q = kI7 + w * q;
    q = kI5 + w * q;
    const DD a = ddAdd(kThird, ddMulD(z, q));
    const DD p = ddAdd({1.0, 0.0}, ddMul(z, a));
    const DD lm = ddMul({2.0 * s.hi, 2.0 * s.lo}, p);
    return ddAdd(ddMulD(kLn2, double(k)), lm);
}

// --- sin / cos / tan ---------------------------------------------------------------------

struct Reduced {
    int n;   // quadrant, 0..3
    DD r;    // x - N pi/2 with N = n (mod 4), |r| <= ~pi/4
};

// 2/pi, 32 bits per word, 1280 bits (enough for the largest double exponent).
constexpr uint32_t kTwoOverPi[40] = {
    0xA2F9836E, 0x4E441529, 0xFC2757D1, 0xF534DDC0, 0xDB629599, 0x3C439041, 0xFE5163AB, 0xDEBBC561,
    0xB7246E3A, 0x424DD2E0, 0x06492EEA, 0x09D1921C, 0xFE1DEB1C, 0xB129A73E, 0xE88235F5, 0x2EBB4484,
    0xE99C7026, 0xB45F7E41, 0x3991D639, 0x835339F4, 0x9C845F8B, 0xBDF9283B, 0x1FF897FF, 0xDE05980F,
    0xEF2F118B, 0x5A0A6D1F, 0x6D367ECF, 0x27CB09B7, 0x4F463F66, 0x9E5FEA2D, 0x7527BAC7, 0xEBE5F17B,
    0x3D0739F7, 0x8A5292EA, 0x6BFB5FB1, 0x1F8D5D08, 0x56033046, 0xFC7B6BAB, 0xF0CFBC20, 0x9AF4361D,
};

// Payne-Hanek style reduction in exact integer arithmetic, for 2^20 <= ax < inf.
// ax = M 2^E (M a 53-bit integer). Only the bits of 2/pi from position E-1 on matter
// modulo 4; a 224-bit window of them times M gives the quadrant and 128 fraction bits.
Reduced reduceLarge(double ax)
{
    const uint64_t bits = std::bit_cast<uint64_t>(ax);
    const int E = int(bits >> 52) - 1075;
    const uint64_t M = (bits & 0x000fffffffffffffULL) | 0x0010000000000000ULL;
    const int s = E - 1 > 1 ? E - 1 : 1; // first bit of 2/pi used (1 = the first after the point)
    // Window W: bits s .. s+223 of 2/pi, as 7 little-endian 32-bit limbs.
    uint32_t w[7];
    const int q = (s - 1) / 32;
    const int sh = (s - 1) % 32;
    for (int i = 0; i < 7; ++i) {
        const int idx = q + (6 - i);
        uint32_t v = kTwoOverPi[idx] << sh;
        if (sh != 0)
            v |= kTwoOverPi[idx + 1] >> (32 - sh);
        w[i] = v;
    }
    // P = M * W (little-endian limbs, two spare zero limbs for reading past the top).
    uint32_t P[11] = {};
    const uint64_t mw[2] = {M & 0xffffffffULL, M >> 32};
    for (int j = 0; j < 2; ++j) {
        uint64_t carry = 0;
        for (int i = 0; i < 7; ++i) {
            const uint64_t t = uint64_t(w[i]) * mw[j] + P[i + j] + carry;
            P[i + j] = uint32_t(t);
            carry = t >> 32;
        }
        P[7 + j] = uint32_t(carry + P[7 + j]);
    }
    // ax * 2/pi = P * 2^F (mod 4), F = E - s - 223; the units bit is at position -F.
    const int pos = -(E - s - 223);
    auto read64 = [&P](int at) {
        const int l = at / 32;
        const int off = at % 32;
        const uint64_t lo = uint64_t(P[l]) | (uint64_t(P[l + 1]) << 32);
        uint64_t v = lo >> off;
        if (off != 0)
            v |= uint64_t(P[l + 2]) << (64 - off);
        return v;
    };
    int n = int(read64(pos) & 3);
    uint64_t fh = read64(pos - 64);
    uint64_t fl = read64(pos - 128);
    bool negative = false;
    if (fh >> 63) { // fraction >= 1/2: round the quadrant up, fraction becomes f - 1
        n = (n + 1) & 3;
        negative = true;
        fl = ~fl + 1;
        fh = ~fh + (fl == 0 ? 1 : 0);
    }
    // fraction magnitude = (fh 2^64 + fl) / 2^128, converted exactly in three pieces.
    const double a = double(fh >> 11) * 0x1p-53;
    const double b = double(((fh & 0x7ffULL) << 42) | (fl >> 22)) * 0x1p-106;
    const double c = double(fl & 0x3fffffULL) * 0x1p-128;
    DD f = twoSum(a, b);
    f.lo += c;
    f = fastTwoSum(f.hi, f.lo);
    DD r = ddMul(f, kPio2);
    if (negative)
        r = {-r.hi, -r.lo};
    return {n, r};
}

Reduced reduce(double x)
{
    const double ax = absD(x);
    Reduced red;
    if (ax < 0x1p20) {
        // Cody-Waite with pi/2 in four parts; the first three products are exact.
        const int n = nearestInt(ax * kInvPio2);
        const double fn = n;
        const double a = ax - fn * kPio2_1; // exact
        const DD s1 = twoSum(a, -(fn * kPio2_2));
        const DD s2 = twoSum(s1.hi, -(fn * kPio2_3));
        const double lo = (s1.lo + s2.lo) - fn * kPio2_4;
        red = {n & 3, fastTwoSum(s2.hi, lo)};
    } else {
        red = reduceLarge(ax);
    }
    if (signBit(x)) {
        red.n = (4 - red.n) & 3;
        red.r = {-red.r.hi, -red.r.lo};
    }
    return red;
}

// sin(hi + lo) for |hi| <= ~pi/4, as a double-double.
DD sinKernel(DD x)
{
    const double z = x.hi * x.hi;
    double p = -kF19;
    p = kF17 + z * p;
    p = -kF15 + z * p;
    p = kF13 + z * p;
    p = -kF11 + z * p;
    p = kF9 + z * p;
    p = -kF7 + z * p;
    p = kF5 + z * p;
    p = -kF3 + z * p;
    // sin(hi + lo) ~ hi + hi z p + lo (1 - z/2)
    const double t = x.hi * (z * p) + x.lo * (1.0 - 0.5 * z);
    return fastTwoSum(x.hi, t);
}

// cos(hi + lo) for |hi| <= ~pi/4, as a double-double.
DD cosKernel(DD x)
{
    const DD z = twoProd(x.hi, x.hi); // exact square
    const double zh = z.hi;
    double p = kF20;
    p = -kF18 + zh * p;
    p = kF16 + zh * p;
    p = -kF14 + zh * p;
    p = kF12 + zh * p;
    p = -kF10 + zh * p;
    p = kF8 + zh * p;
    p = -kF6 + zh * p;
    p = kF4 + zh * p;
    const double hz = 0.5 * zh;   // exact
    const double w = 1.0 - hz;
    const double c = ((1.0 - w) - hz) + ((zh * zh) * p - (0.5 * z.lo + x.hi * x.lo));
    return fastTwoSum(w, c);
}

// num / den for double-doubles, rounded once more with one correction step.
double ddDiv(DD num, DD den)
{
    const double q = num.hi / den.hi;
    const DD p = twoProd(q, den.hi);
    const double rem = (((num.hi - p.hi) - p.lo) + num.lo) - q * den.lo;
    return q + rem / den.hi;
}

} // namespace

double exp(double x)
{
    if (isNaN(x))
        return x + x;
    if (x > 709.79)
        return kInf;
    if (x < -745.14)
        return 0.0;
    return expCore(x, 0.0);
}

double log(double x)
{
    if (isNaN(x))
        return x + x;
    if (x < 0)
        return kNaN;
    if (x == 0)
        return -kInf;
    if (x == kInf)
        return x;
    int k;
    const double m = decompose(x, k);
    const double f = m - 1.0; // exact
    const double hfsq = 0.5 * f * f;
    const double s = f / (2.0 + f);
    const double z = s * s;
    double R = kL25;
    R = kL23 + z * R;
    R = kL21 + z * R;
    R = kL19 + z * R;
    R = kL17 + z * R;
    R = kL15 + z * R;
    R = kL13 + z * R;
    R = kL11 + z * R;
    R = kL9 + z * R;
    R = kL7 + z * R;
    R = kL5 + z * R;
    R = kL3 + z * R;
    R = z * R;
    const double fk = k;
    return fk * kLn2Hi - ((hfsq - (s * (hfsq + R) + fk * kLn2Lo)) - f);
}

double pow(double x, double y)
{
    if (y == 0)
        return 1.0;
    if (x == 1.0)
        return 1.0;
    if (isNaN(x) || isNaN(y))
        return x + y;
    const double ax = absD(x);
    const double ay = absD(y);
    bool yInt = false;
    bool yOdd = false;
    if (!isInf(y)) {
        if (ay >= 0x1p53) {
            yInt = true; // every double this large is an even integer
        } else {
            const int64_t iy = int64_t(y);
            yInt = double(iy) == y;
            yOdd = yInt && (iy & 1) != 0;
        }
    }
    if (isInf(y)) {
        if (ax == 1.0)
            return 1.0;
        return (ax > 1.0) == (y > 0) ? kInf : 0.0;
    }
    if (x == 0) {
        if (y < 0)
            return yOdd ? 1.0 / x : kInf;
        return yOdd ? x : 0.0;
    }
    if (isInf(x)) {
        if (x > 0)
            return y < 0 ? 0.0 : kInf;
        if (y < 0)
            return yOdd ? -0.0 : 0.0;
        return yOdd ? -kInf : kInf;
    }
    if (x < 0 && !yInt)
        return kNaN;
    const bool negate = x < 0 && yOdd;
    if (y == 1.0)
        return x;
    double r;
    if (ay > 0x1p64) {
        // |y log|x|| > 2^64 * 2^-53: certain overflow or underflow (|x| != 1).
        r = (ax > 1.0) == (y > 0) ? kInf : 0.0;
    } else {
        const DD l = logDD(ax);
        const DD t = ddMulD(l, y);
        r = expCore(t.hi, t.lo);
    }
    return negate ? -r : r;
}

double sin(double x)
{
    if (isNaN(x) || isInf(x))
        return kNaN;
    if (absD(x) < 0x1p-27)
        return x; // sin x = x (1 - x^2/6): the correction is below half an ulp; keeps -0
    const Reduced red = reduce(x);
    switch (red.n) {
    case 0: return sinKernel(red.r).hi;
    case 1: return cosKernel(red.r).hi;
    case 2: return -sinKernel(red.r).hi;
    default: return -cosKernel(red.r).hi;
    }
}

double cos(double x)
{
    if (isNaN(x) || isInf(x))
        return kNaN;
    if (absD(x) < 0x1p-27)
        return 1.0;
    const Reduced red = reduce(x);
    switch (red.n) {
    case 0: return cosKernel(red.r).hi;
    case 1: return -sinKernel(red.r).hi;
    case 2: return -cosKernel(red.r).hi;
    default: return sinKernel(red.r).hi;
    }
}

double tan(double x)
{
    if (isNaN(x) || isInf(x))
        return kNaN;
    if (absD(x) < 0x1p-27)
        return x; // tan x = x (1 + x^2/3)
    const Reduced red = reduce(x);
    const DD s = sinKernel(red.r);
    const DD c = cosKernel(red.r);
    if ((red.n & 1) == 0)
        return ddDiv(s, c);
    return -ddDiv(c, s);
}

} // namespace aeroflow::engine::detmath
