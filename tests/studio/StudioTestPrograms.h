#pragma once
// A program the Studio's debugging suites step through: a handler that
// calls a function, so statements stand at two depths.

namespace studiotest {

inline const char* const kAccProgram = R"(fn double(x) {
    let y = x * 2
    return y
}

actor Acc {
    state total = 0

    on Add(n) {
        let d = double(n)
        total = total + d
        emit(total)
    }
}

let a = spawn(Acc)
send(a, Add(1))
send(a, Add(5))
print(recv())
print(recv())
)";

} // namespace studiotest
