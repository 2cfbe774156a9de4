"""The official Python SDK's REST client, unmodified, against lark-sim: token, send, reply in
thread, list, recall, image upload, a contact user by open id.

Usage: rest.py BASE_URL APP_ID APP_SECRET CHAT_ID USER_MESSAGE_ID
Prints one JSON line with what it created; exits non-zero on the first failed call.
"""
import io
import json
import sys

import lark_oapi as lark
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.im.v1 import (
    CreateImageRequest, CreateImageRequestBody, CreateMessageRequest, CreateMessageRequestBody,
    DeleteMessageRequest, ListMessageRequest, ReplyMessageRequest, ReplyMessageRequestBody,
)

base_url, app_id, app_secret, chat_id, user_message_id = sys.argv[1:6]
client = lark.Client.builder().app_id(app_id).app_secret(app_secret).domain(base_url).build()


def check(name, resp):
    if not resp.success():
        print(json.dumps({"failed": name, "code": resp.code, "msg": resp.msg}), flush=True)
        sys.exit(1)
    return getattr(resp, "data", None)


def send(uuid):
    body = (CreateMessageRequestBody.builder().receive_id(chat_id).msg_type("text")
            .content(json.dumps({"text": "hello from python"})).uuid(uuid).build())
    req = CreateMessageRequest.builder().receive_id_type("chat_id").request_body(body).build()
    return check("send", client.im.v1.message.create(req))


sent = send("py-uuid-1")
again = send("py-uuid-1")

reply_body = (ReplyMessageRequestBody.builder().msg_type("text")
              .content(json.dumps({"text": "threaded"})).reply_in_thread(True).build())
reply = check("reply", client.im.v1.message.reply(
    ReplyMessageRequest.builder().message_id(user_message_id).request_body(reply_body).build()))

listed = check("list", client.im.v1.message.list(
    ListMessageRequest.builder().container_id_type("chat").container_id(chat_id).page_size(50).build()))
thread = check("list thread", client.im.v1.message.list(
    ListMessageRequest.builder().container_id_type("thread").container_id(reply.thread_id).build()))

check("recall", client.im.v1.message.delete(
    DeleteMessageRequest.builder().message_id(sent.message_id).build()))

png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
image = check("image", client.im.v1.image.create(
    CreateImageRequest.builder().request_body(
        CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(png)).build()).build()))

member = check("contact user", client.contact.v3.user.get(
    GetUserRequest.builder().user_id("ou_alice").user_id_type("open_id").build()))

print(json.dumps({
    "user_name": member.user.name,
    "sent": sent.message_id,
    "again": again.message_id,
    "reply": reply.message_id,
    "thread_id": reply.thread_id,
    "listed": [m.message_id for m in listed.items],
    "thread_listed": [m.message_id for m in thread.items],
    "image_key": image.image_key,
}), flush=True)
