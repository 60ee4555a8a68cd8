#!/usr/bin/env python3
"""A demo backend for `make run`: answers GET and HEAD on every path with 200 and an
X-IPng-Frontend header naming itself (the header maglevt tallies), keep-alive included.
Usage: demo-backend.py ADDRESS PORT NAME"""
import http.server
import sys

if len(sys.argv) != 4 or not sys.argv[2].isdigit():
    sys.exit("usage: demo-backend.py ADDRESS PORT NAME")
address, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, body):
        data = f"{name}\n".encode()
        self.send_response(200)
        self.send_header("X-IPng-Frontend", name)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self):
        self.answer(True)

    def do_HEAD(self):
        self.answer(False)


server = http.server.ThreadingHTTPServer((address, port), Handler)
print(f"Serving HTTP on {address} port {port} as {name}", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
