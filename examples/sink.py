#!/usr/bin/env python3
"""A local HTTP sink for Klite's worker: prints each batch it receives and answers 200.

    python3 examples/sink.py [port] [--fail-every N]

--fail-every N answers 500 to every Nth request, to watch Klite post the same batch again after the interval.
"""
import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("port", nargs="?", type=int, default=9000)
parser.add_argument("--fail-every", type=int, default=0)
args = parser.parse_args()
requests = 0
lock = threading.Lock()


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        global requests
        batch = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
        offsets = [m["offset"] for m in batch["messages"]]
        with lock:
            requests += 1
            failing = args.fail_every and requests % args.fail_every == 0
            sys.stdout.write(f"{'answered 500 to' if failing else 'got'} {batch['topic']}/{batch['partition']}"
                             f" offsets {offsets[0]}..{offsets[-1]}, first: "
                             f"{json.dumps(batch['messages'][0]['data'])}\n")
            sys.stdout.flush()
        self.send_response(500 if failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


print(f"sink listening on http://127.0.0.1:{args.port}/", flush=True)
ThreadingHTTPServer(("127.0.0.1", args.port), Sink).serve_forever()
