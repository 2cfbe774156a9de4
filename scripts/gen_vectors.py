"""Regenerates testdata/lark/vectors.json with the official Python SDK, lark-oapi.

Run through scripts/gen-vectors, which uses the peers virtualenv (scripts/peers-setup). Every
frame is built with the SDK's protobuf classes (the ping by the SDK itself, the ACK by the SDK's
own data-frame handler) and decoded back with them; every webhook vector is fed to the SDK's
EventDispatcherHandler, and the script stops if the SDK does not answer as the vector says.

The SDK only decrypts, so encryption is AES-256-CBC done here with pycryptodome (the SDK's own
dependency), with fixed IVs so that the output is the same on every run.

One deliberate difference: the Python SDK writes its ACK payload as `{"code": 200}` (json.dumps
with spaces) where the Node and Go SDKs write `{"code":200}`. The script checks the Python SDK's
ACK and records it with the compact payload, the form our client sends and tests byte for byte.
"""

import asyncio
import base64
import hashlib
import json
import sys
from pathlib import Path

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad

import lark_oapi as lark
import lark_oapi.ws.client as ws_client
from lark_oapi.core.const import (
    LARK_REQUEST_NONCE,
    LARK_REQUEST_SIGNATURE,
    LARK_REQUEST_TIMESTAMP,
)
from lark_oapi.core.enum import LogLevel
from lark_oapi.core.log import logger
from lark_oapi.core.model import RawRequest
from lark_oapi.core.utils.decryptor import AESCipher
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

ENCRYPT_KEY = "kY7r2xQ9wPzL"
TOKEN = "vt_3Hf8sJ2m"
TIMESTAMP = "1732233600"
NONCE = "h7Gx2kLq"
SERVICE = 7

# The example of the platform's documentation, kept as published (its IV was random).
AES_DOC = {
    "encrypt_key": "test key",
    "encrypt": "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=",
    "plaintext": "hello world",
}


def run(coro):
    """Runs on the SDK's own event loop, the one its caches schedule their timers on."""
    return ws_client.loop.run_until_complete(coro)


def check(ok, what):
    if not ok:
        sys.exit(f"gen_vectors: the SDK disagrees: {what}")


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def encrypt(key, plaintext, iv):
    """What the platform does: AES-256-CBC, key SHA-256(encrypt key), IV before the ciphertext."""
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    data = iv + cipher.encrypt(pad(plaintext.encode(), AES.block_size))
    return base64.b64encode(data).decode()


def sign(timestamp, nonce, key, body):
    return hashlib.sha256((timestamp + nonce + key + body).encode()).hexdigest()


def dispatch(body, timestamp=None, nonce=None, signature=None):
    """Feeds a webhook request to the SDK; returns (status, body, message ids it handled)."""
    seen = []
    handler = (
        lark.EventDispatcherHandler.builder(ENCRYPT_KEY, TOKEN)
        .register_p2_im_message_receive_v1(lambda e: seen.append(e.event.message.message_id))
        .build()
    )
    req = RawRequest()
    req.uri = "/webhook/event"
    req.body = body.encode()
    for name, value in (
        (LARK_REQUEST_TIMESTAMP, timestamp),
        (LARK_REQUEST_NONCE, nonce),
        (LARK_REQUEST_SIGNATURE, signature),
    ):
        if value is not None:
            req.headers[name] = value
    resp = handler.do(req)
    return resp.status_code, resp.content.decode(), seen


def aes_official():
    check(
        AESCipher(AES_DOC["encrypt_key"]).decrypt_str(AES_DOC["encrypt"]) == AES_DOC["plaintext"],
        "the documented AES example",
    )
    return dict(AES_DOC)


def webhook_events():
    message_id = "om_5ce6d572455d361153b7cb51da133945"
    tenant = "2ca1d211f64f6438"
    event = {
        "schema": "2.0",
        "header": {
            "event_id": "5e3702a84e847582be8db7fb73283c02",
            "event_type": "im.message.receive_v1",
            "create_time": "1732233600000",
            "token": TOKEN,
            "app_id": "cli_a1b2c3d4e5f60718",
            "tenant_key": tenant,
        },
        "event": {
            "sender": {
                "sender_id": {
                    "open_id": "ou_84aad35d084aa403a838cf73ee18467",
                    "union_id": "on_8ed6aa67826108097d9ee143816345",
                    "user_id": "e33ggbyz",
                },
                "sender_type": "user",
                "tenant_key": tenant,
            },
            "message": {
                "message_id": message_id,
                "create_time": "1732233600000",
                "chat_id": "oc_5ad11d72b830411d72b836c20",
                "chat_type": "group",
                "message_type": "text",
                # Content is a JSON string inside the JSON, written the platform's way.
                "content": json.dumps({"text": "@_user_1 hello 你好"}, ensure_ascii=False),
                "mentions": [
                    {
                        "key": "@_user_1",
                        "id": {
                            "open_id": "ou_bot000000000000000000000000001",
                            "union_id": "on_bot0000000000000000000000001",
                            "user_id": "",
                        },
                        "name": "Claw",
                        "tenant_key": tenant,
                    }
                ],
            },
        },
    }
    plaintext = compact(event)
    body = compact({"encrypt": encrypt(ENCRYPT_KEY, plaintext, bytes(range(16)))})
    signature = sign(TIMESTAMP, NONCE, ENCRYPT_KEY, body)

    status, _, seen = dispatch(body, TIMESTAMP, NONCE, signature)
    check(status == 200 and seen == [message_id], "the signed event is accepted")
    good = {
        "encrypt_key": ENCRYPT_KEY,
        "verification_token": TOKEN,
        "timestamp": TIMESTAMP,
        "nonce": NONCE,
        "body": body,
        "signature": signature,
        "plaintext": plaintext,
        "expect": f"accepted; message_id {message_id}",
    }

    # The last hex digit changed: one bit of the signature.
    bad_signature = signature[:-1] + format(int(signature[-1], 16) ^ 1, "x")
    status, answer, seen = dispatch(body, TIMESTAMP, NONCE, bad_signature)
    check(
        status != 200 and not seen and "signature" in answer,
        f"a bad signature is rejected: {answer}",
    )
    bad = dict(good, signature=bad_signature, expect="rejected: signature mismatch")
    return good, bad


def webhook_challenge():
    plaintext = compact(
        {
            "challenge": "d8f2b0e1-7c4a-4f2e-9a61-0c3b5e7d9f11",
            "token": TOKEN,
            "type": "url_verification",
        }
    )
    body = compact({"encrypt": encrypt(ENCRYPT_KEY, plaintext, bytes(range(16, 32)))})
    status, answer, _ = dispatch(body)
    check(status == 200, "the encrypted challenge is answered")
    return {
        "encrypt_key": ENCRYPT_KEY,
        "verification_token": TOKEN,
        "body": body,
        "plaintext": plaintext,
        "expect_response": answer,
    }


def frame(seq_id, log_id, method, headers, payload=None, log_id_new=None):
    f = Frame()
    f.SeqID, f.LogID, f.service, f.method = seq_id, log_id, SERVICE, method
    for key, value in headers:
        h = f.headers.add()
        h.key, h.value = key, value
    if payload is not None:
        f.payload = payload.encode()
    if log_id_new is not None:
        f.LogIDNew = log_id_new
    return f.SerializeToString()


def vector(data):
    """The frame's bytes and what the SDK decodes from them."""
    f = Frame()
    f.ParseFromString(data)
    return {
        "base64": base64.b64encode(data).decode(),
        "decoded": {
            "SeqID": f.SeqID,
            "LogID": f.LogID,
            "service": f.service,
            "method": f.method,
            "headers": [[h.key, h.value] for h in f.headers],
            "payload_utf8": f.payload.decode() if f.HasField("payload") else None,
            "LogIDNew": f.LogIDNew if f.HasField("LogIDNew") else None,
        },
    }


class FixedClock:
    """Stands in for `time` in the SDK's ws client so that the ACK's biz_rt is always 3 ms."""

    def __init__(self):
        self.ticks = iter([1732233600.000, 1732233600.003])

    def time(self):
        return next(self.ticks)


def ws_client_with_handler():
    """The SDK's ws client, its writes captured, events recorded."""
    seen = []
    handler = (
        lark.EventDispatcherHandler.builder("", "")
        .register_p2_im_message_receive_v1(lambda e: seen.append(e.event.message.message_id))
        .build()
    )
    client = ws_client.Client(
        "cli_a1b2c3d4e5f60718", "secret", log_level=LogLevel.CRITICAL, event_handler=handler
    )
    written = []

    async def capture(data):
        written.append(data)

    client._write_message = capture
    return client, seen, written


def frames():
    out = {}
    ping = ws_client._new_ping_frame(SERVICE).SerializeToString()
    out["client_ping"] = vector(ping)

    config = {
        "ReconnectCount": -1,
        "ReconnectInterval": 120,
        "ReconnectNonce": 30,
        "PingInterval": 120,
    }
    # The platform's pong carries the config as Python's default json.dumps writes it.
    pong = frame(0, 0, 0, [("type", "pong")], json.dumps(config))
    client, _, _ = ws_client_with_handler()
    client._reconnect_interval = client._ping_interval = 0
    parsed = Frame()
    parsed.ParseFromString(pong)
    run(client._handle_control_frame(parsed))
    check(client._ping_interval == 120 and client._reconnect_interval == 120, "the pong configures")
    out["server_pong_with_config"] = vector(pong)

    payload = compact(
        {
            "schema": "2.0",
            "header": {
                "event_id": "e1",
                "event_type": "im.message.receive_v1",
                "create_time": "1732233600000",
                "token": "",
                "app_id": "cli_a1b2c3d4e5f60718",
                "tenant_key": "t",
            },
            "event": {
                "sender": {"sender_id": {"open_id": "ou_1"}, "sender_type": "user"},
                "message": {
                    "message_id": "om_1",
                    "chat_id": "oc_1",
                    "chat_type": "p2p",
                    "message_type": "text",
                    "content": compact({"text": "hi"}),
                },
            },
        }
    )

    def event_headers(message_id, total, seq, trace):
        return [
            ("type", "event"),
            ("message_id", message_id),
            ("sum", str(total)),
            ("seq", str(seq)),
            ("trace_id", trace),
        ]

    event = frame(11, 42, 1, event_headers("f1", 1, 0, "tr1"), payload, "lognew-1")
    out["server_event"] = vector(event)

    half = len(payload.encode()) // 2
    assert payload.encode()[:half].decode() + payload.encode()[half:].decode() == payload
    fragments = [
        frame(12, 43, 1, event_headers("f2", 2, 0, "tr2"), payload[:half]),
        frame(13, 43, 1, event_headers("f2", 2, 1, "tr2"), payload[half:]),
    ]
    client, seen, written = ws_client_with_handler()
    for data in fragments:
        parsed = Frame()
        parsed.ParseFromString(data)
        run(client._handle_data_frame(parsed))
    check(seen == ["om_1"] and len(written) == 1, "the fragments join into the event")
    out["server_event_fragment_0_of_2"] = vector(fragments[0])
    out["server_event_fragment_1_of_2"] = vector(fragments[1])

    # The ACK exactly as the SDK writes it back for server_event, with its clock fixed.
    client, seen, written = ws_client_with_handler()
    parsed = Frame()
    parsed.ParseFromString(event)
    real_time = ws_client.time
    ws_client.time = FixedClock()
    try:
        run(client._handle_data_frame(parsed))
    finally:
        ws_client.time = real_time
    check(seen == ["om_1"] and len(written) == 1, "the event is handled and acknowledged")
    ack = Frame()
    ack.ParseFromString(written[0])
    check(json.loads(ack.payload) == {"code": 200}, "the ACK says 200")
    ack.payload = compact({"code": 200}).encode()
    out["client_ack_for_server_event"] = vector(ack.SerializeToString())

    out["_note"] = (
        "fragments 0 and 1 share message_id f2 and concatenate to the payload of server_event "
        "(with a different frame message_id); the ACK echoes the frame, appends biz_rt and "
        "replaces the payload"
    )
    return out


def stop_sdk_timers():
    """Lets the SDK's cache timers end quietly instead of warning at exit."""
    tasks = asyncio.all_tasks(ws_client.loop)
    for task in tasks:
        task.cancel()
    run(asyncio.gather(*tasks, return_exceptions=True))


def main():
    # The SDK logs the rejections this script provokes on purpose as errors, with tracebacks.
    logger.setLevel(LogLevel.CRITICAL.value)
    default = Path(__file__).resolve().parent.parent / "testdata/lark/vectors.json"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    good, bad = webhook_events()
    vectors = {
        "_about": (
            "Vectors accepted (or rejected, where marked) by the official Python SDK lark-oapi; "
            "frames serialized by its protobuf classes. Regenerate, never hand-edit."
        ),
        "aes_official": aes_official(),
        "webhook_event": good,
        "webhook_event_bad_signature": bad,
        "webhook_challenge_encrypted": webhook_challenge(),
        "frames": frames(),
    }
    stop_sdk_timers()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"gen_vectors: wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
