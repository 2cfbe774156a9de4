"""The official Python SDK's event dispatcher, unmodified, behind a small HTTP server that
lark-sim pushes to.

Usage: webhook.py ENCRYPT_KEY VERIFICATION_TOKEN
Prints {"port": N} once listening, then one JSON line per request with the SDK's answer and,
for events, what the handler saw.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import lark_oapi as lark
from lark_oapi.core.model import RawRequest

encrypt_key, verification_token = sys.argv[1:3]


def emit(obj):
    print(json.dumps(obj), flush=True)


def on_message(data: lark.im.v1.P2ImMessageReceiveV1) -> None:
    emit({"kind": "message", "event_id": data.header.event_id,
          "text": json.loads(data.event.message.content).get("text")})


handler = (
    lark.EventDispatcherHandler.builder(encrypt_key, verification_token)
    .register_p2_im_message_receive_v1(on_message)
    .build()
)


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        req = RawRequest()
        req.uri = self.path
        req.body = body
        # As web frameworks present them: canonical header names.
        req.headers = {k.title(): v for k, v in self.headers.items()}
        resp = handler.do(req)
        emit({"kind": "response", "status": resp.status_code, "body": resp.content.decode()})
        self.send_response(resp.status_code)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(resp.content)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
emit({"port": server.server_address[1]})
server.serve_forever()
