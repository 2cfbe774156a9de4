"""The official Python SDK's long-connection client, unmodified, pointed at lark-sim.

Usage: ws_client.py BASE_URL APP_ID APP_SECRET
Prints one JSON line per event it handles. Runs until killed (the SDK's start() never returns).
"""
import json
import sys

import lark_oapi as lark
from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)

base_url, app_id, app_secret = sys.argv[1:4]


def emit(obj):
    print(json.dumps(obj), flush=True)


def on_message(data: lark.im.v1.P2ImMessageReceiveV1) -> None:
    msg = data.event.message
    emit({
        "kind": "message",
        "event_id": data.header.event_id,
        "message_id": msg.message_id,
        "chat_type": msg.chat_type,
        "text": json.loads(msg.content).get("text"),
        "sender": data.event.sender.sender_id.open_id,
    })


def on_card(data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
    emit({"kind": "card", "event_id": data.header.event_id, "value": data.event.action.value})
    return P2CardActionTriggerResponse({"toast": {"type": "success", "content": "py-ok"}})


handler = (
    lark.EventDispatcherHandler.builder("", "")
    .register_p2_im_message_receive_v1(on_message)
    .register_p2_card_action_trigger(on_card)
    .build()
)
client = lark.ws.Client(app_id, app_secret, event_handler=handler, domain=base_url,
                        log_level=lark.LogLevel.INFO)
client.start()
