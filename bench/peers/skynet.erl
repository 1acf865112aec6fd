%% skynet.erl: peer of bench/programs/skynet.aefl and idle.aefl for
%% `aeroflow-benchmark spawn`.
%%   skynet N: a tree of processes, each spawning 10 children until a leaf
%%     covers one number; leaves send their number up, parents sum. Prints the
%%     sum and the elapsed microseconds.
%%   idle N: spawns N processes that wait in receive; prints N and the growth
%%     of erlang:memory(total) in bytes (the processes are alive when measured).
%% Run: erl -noshell +S 1 +P 4000000 -run skynet main skynet|idle N
-module(skynet).
-export([main/1]).

node(Parent, First, 1) ->
    Parent ! {sum, First};
node(Parent, First, Size) ->
    Part = Size div 10,
    Self = self(),
    [spawn(fun() -> node(Self, First + I * Part, Part) end) || I <- lists:seq(0, 9)],
    Parent ! {sum, collect(10, 0)}.

collect(0, Acc) -> Acc;
collect(K, Acc) -> receive {sum, V} -> collect(K - 1, Acc + V) end.

idle() -> receive poke -> idle() end.

main(["skynet", Arg]) ->
    N = list_to_integer(Arg),
    Self = self(),
    T0 = erlang:monotonic_time(microsecond),
    spawn(fun() -> node(Self, 0, N) end),
    receive {sum, S} -> ok end,
    T1 = erlang:monotonic_time(microsecond),
    io:format("sum ~p us ~p~n", [S, T1 - T0]),
    halt(0);
main(["idle", Arg]) ->
    N = list_to_integer(Arg),
    erlang:garbage_collect(),
    M0 = erlang:memory(total),
    T0 = erlang:monotonic_time(microsecond),
    Pids = [spawn(fun idle/0) || _ <- lists:seq(1, N)],
    T1 = erlang:monotonic_time(microsecond),
    erlang:garbage_collect(),
    M1 = erlang:memory(total),
    %% the list of pids itself (2 words per cell) is not the processes' cost
    ListBytes = 2 * erlang:system_info(wordsize) * N,
    io:format("actors ~p bytes ~p us ~p~n", [length(Pids), M1 - M0 - ListBytes, T1 - T0]),
    halt(0).
