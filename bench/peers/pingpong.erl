%% pingpong.erl: peer of bench/programs/pingpong.aefl for
%% `aeroflow-benchmark pingpong`. Two processes exchange N messages in all
%% (each message carries a counter that grows by one). Prints the number of
%% messages and the elapsed microseconds (erlang:monotonic_time) of the
%% exchange alone, so VM start-up is excluded.
%% Run: erl -noshell +S 1 -run pingpong main N   (after erlc pingpong.erl)
-module(pingpong).
-export([main/1, ponger/0, pinger/3]).

ponger() ->
    receive
        {ping, From, K} -> From ! {pong, K + 1}, ponger();
        stop -> ok
    end.

pinger(Partner, N, Parent) ->
    receive
        {pong, K} when K < N -> Partner ! {ping, self(), K + 1}, pinger(Partner, N, Parent);
        {pong, K} -> Partner ! stop, Parent ! {done, K}
    end.

main([Arg]) ->
    N = list_to_integer(Arg),
    Ponger = spawn(fun ponger/0),
    Self = self(),
    T0 = erlang:monotonic_time(microsecond),
    Pinger = spawn(fun() -> pinger(Ponger, N, Self) end),
    Ponger ! {ping, Pinger, 1},
    receive {done, K} -> ok end,
    T1 = erlang:monotonic_time(microsecond),
    io:format("messages ~p us ~p~n", [K, T1 - T0]),
    halt(0).
