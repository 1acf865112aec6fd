#pragma once
// The programs both graph suites record: their sends are known exactly, so
// the model's counts can be checked by hand.

namespace graphtest {

// main = 0, Sinks a = 1, b = 2, Relay r = 3; Sink c = 4 is spawned during
// delivery 3. Tick 1 (receiver order): seq 1 main->a, seq 2 main->r
// Fan(a,b,3), seq 3 main->r Fan(b,a,2) (spawns c). Tick 2: seqs 4-8 r->a
// (3 + 2), seqs 9-12 r->b (2 + 2), seq 13 r->c. 13 deliveries.
inline const char* kFanProgram = R"(actor Sink {
    state got = 0
    on Hit(k) { got += k }
}
actor Relay {
    on Fan(x, y, n) {
        for i in range(n) { send(x, Hit(i)) }
        send(y, Hit(0))
        send(y, Hit(1))
        if n == 2 {
            let c = spawn(Sink)
            send(c, Hit(9))
        }
    }
}
let a = spawn(Sink)
let b = spawn(Sink)
let r = spawn(Relay)
send(r, Fan(a, b, 3))
send(a, Hit(5))
send(r, Fan(b, a, 2))
)";

// A binary tree of 511 Node actors: past the aggregation threshold.
inline const char* kTreeProgram = R"(actor Node {
    on Grow(d) {
        if d > 0 {
            send(spawn(Node), Grow(d - 1))
            send(spawn(Node), Grow(d - 1))
        }
    }
}
send(spawn(Node), Grow(8))
)";

} // namespace graphtest
