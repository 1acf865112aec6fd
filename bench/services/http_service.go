// The Go peer of http_service.aefl (bench/services/run.py): the same two
// routes with the same bodies, on net/http (standard library only).
//
//	GET /hello            {"message":"Hello, World!"}
//	GET /count?name=NAME  {"name":NAME,"count":N}
//
// /count keeps the AeroFlow shape request -> actor -> actor -> respond: the
// handler goroutine hands the request to one goroutine that owns the counts
// (a channel, like an actor's mailbox) and writes the answer it gets back.
//
//	go build -o http_service http_service.go && ./http_service [PORT]
//
// Prints "listening on http://127.0.0.1:PORT" on stderr (0 or none: any free
// port); SIGTERM shuts the server down and exits 0.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

type countAsk struct {
	name  string
	reply chan int
}

type hello struct {
	Message string `json:"message"`
}

type counted struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func counter(asks <-chan countAsk) {
	counts := map[string]int{}
	for ask := range asks {
		counts[ask.name]++
		ask.reply <- counts[ask.name]
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Write(body)
}

func main() {
	port := "0"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	asks := make(chan countAsk, 1024)
	go counter(asks)

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, hello{"Hello, World!"})
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "anon"
		}
		reply := make(chan int, 1)
		asks <- countAsk{name, reply}
		writeJSON(w, counted{name, <-reply})
	})

	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "listening on http://%s\n", ln.Addr())
	server := &http.Server{Handler: mux}
	done := make(chan struct{})
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
		server.Shutdown(context.Background())
		close(done)
	}()
	if err := server.Serve(ln); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	<-done
}
