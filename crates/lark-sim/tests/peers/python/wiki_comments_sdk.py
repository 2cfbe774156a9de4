"""Drives lark-sim's wiki and document comment APIs with the unmodified official Python SDK
(lark-oapi), and receives the comment event over its websocket client.

Usage: wiki_comments_sdk.py <base_url> <app_id> <app_secret> <space_id>
(the space is made by a person beforehand: the platform creates spaces for user tokens only)
Prints one JSON object with what its REST calls got, then "listening" while its websocket client
waits for the comment event, which it prints as JSON; exits non-zero on any failure.
"""
import json
import sys
import threading

import lark_oapi as lark
import lark_oapi.api.docx.v1 as docx
import lark_oapi.api.drive.v1 as drive
import lark_oapi.api.wiki.v2 as wiki


def need(resp, what):
    if not resp.success():
        raise SystemExit(f"{what} failed: code={resp.code} msg={resp.msg}")
    return resp.data


def text_elements(text):
    return [drive.ReplyElement.builder().type("text_run").text_run(
        drive.TextRun.builder().text(text).build()).build()]


def main():
    base, app_id, secret, space_id = sys.argv[1:5]
    client = lark.Client.builder().app_id(app_id).app_secret(secret).domain(base).build()
    out = {}

    space = wiki.Space({"space_id": space_id})
    spaces = need(client.wiki.v2.space.list(wiki.ListSpaceRequest.builder().page_size(10).build()), "space.list")
    parent = need(client.wiki.v2.space_node.create(
        wiki.CreateSpaceNodeRequest.builder().space_id(space.space_id).request_body(
            wiki.Node.builder().obj_type("docx").node_type("origin").title("Parent").build()).build()),
        "node.create").node
    child = need(client.wiki.v2.space_node.create(
        wiki.CreateSpaceNodeRequest.builder().space_id(space.space_id).request_body(
            wiki.Node.builder().obj_type("sheet").node_type("origin").parent_node_token(parent.node_token)
            .title("Child").build()).build()),
        "child.create").node
    listed = need(client.wiki.v2.space_node.list(
        wiki.ListSpaceNodeRequest.builder().space_id(space.space_id).parent_node_token(parent.node_token).build()),
        "node.list")
    got = need(client.wiki.v2.space.get_node(
        wiki.GetNodeSpaceRequest.builder().token(parent.node_token).build()), "get_node").node
    by_obj = need(client.wiki.v2.space.get_node(
        wiki.GetNodeSpaceRequest.builder().token(child.obj_token).obj_type("sheet").build()), "get_node by obj").node
    moved = need(client.wiki.v2.space_node.move(
        wiki.MoveSpaceNodeRequest.builder().space_id(space.space_id).node_token(child.node_token).request_body(
            wiki.MoveSpaceNodeRequestBody.builder().target_space_id(space.space_id).build()).build()),
        "node.move").node
    out.update(space_id=space.space_id, spaces=[s.name for s in spaces.items],
               parent_node=parent.node_token, parent_obj=parent.obj_token, parent_has_child=got.has_child,
               child_titles=[n.title for n in listed.items], by_obj=by_obj.node_token,
               got_obj_type=got.obj_type, moved_parent=moved.parent_node_token or "")

    # Comments on the node's document.
    doc = parent.obj_token
    created = need(client.drive.v1.file_comment.create(
        drive.CreateFileCommentRequest.builder().file_token(doc).file_type("docx").request_body(
            drive.FileComment.builder().reply_list(drive.ReplyList.builder().replies([
                drive.FileCommentReply.builder().content(
                    drive.ReplyContent.builder().elements(text_elements("from the SDK")).build()).build()
            ]).build()).build()).build()), "comment.create")
    reply = need(client.drive.v1.file_comment_reply.list(
        drive.ListFileCommentReplyRequest.builder().file_token(doc).comment_id(created.comment_id)
        .file_type("docx").build()), "reply.list")
    need(client.drive.v1.file_comment.patch(
        drive.PatchFileCommentRequest.builder().file_token(doc).comment_id(created.comment_id).file_type("docx")
        .request_body(drive.PatchFileCommentRequestBody.builder().is_solved(True).build()).build()), "comment.patch")
    comments = need(client.drive.v1.file_comment.list(
        drive.ListFileCommentRequest.builder().file_token(doc).file_type("docx").build()), "comment.list")
    one = need(client.drive.v1.file_comment.get(
        drive.GetFileCommentRequest.builder().file_token(doc).comment_id(created.comment_id).file_type("docx").build()),
        "comment.get")
    out.update(comment_id=created.comment_id,
               first_reply=created.reply_list.replies[0].content.elements[0].text_run.text,
               reply_count=len(reply.items), solved=[c.is_solved for c in comments.items],
               get_solved=one.is_solved)
    print(json.dumps(out), flush=True)

    # The comment event over the SDK's websocket client: the harness comments once it sees
    # "listening", and the handler prints what it received.
    got_event = threading.Event()

    def on_comment(data):
        e = data.event
        print(json.dumps({"event": {
            "comment_id": e.comment_id, "reply_id": e.reply_id, "is_mentioned": e.is_mentioned,
            "file_token": e.notice_meta.file_token, "file_type": e.notice_meta.file_type,
            "from": e.notice_meta.from_user_id.open_id, "to": e.notice_meta.to_user_id.open_id,
            "notice_type": e.notice_meta.notice_type,
        }}), flush=True)
        got_event.set()

    handler = lark.EventDispatcherHandler.builder("", "").register_p2_drive_notice_comment_add_v1(on_comment).build()
    ws = lark.ws.Client(app_id, secret, event_handler=handler, domain=base, log_level=lark.LogLevel.ERROR)
    threading.Thread(target=ws.start, daemon=True).start()
    print("listening", flush=True)
    if not got_event.wait(30):
        raise SystemExit("no comment event within 30 s")


if __name__ == "__main__":
    main()
