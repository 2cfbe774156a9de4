"""Drives lark-sim's drive folder APIs with the unmodified official Python SDK (lark-oapi):
folders, listing, move, copy, metadata and delete.

Usage: drive_sdk.py <base_url> <app_id> <app_secret>
Prints one JSON object with what it got; exits non-zero on any failure.
"""
import json
import sys

import lark_oapi as lark
import lark_oapi.api.docx.v1 as docx
import lark_oapi.api.drive.v1 as drive


def need(resp, what):
    if not resp.success():
        raise SystemExit(f"{what} failed: code={resp.code} msg={resp.msg}")
    return getattr(resp, "data", None)


def main():
    base, app_id, secret = sys.argv[1:4]
    client = lark.Client.builder().app_id(app_id).app_secret(secret).domain(base).build()
    d = client.drive.v1.file
    top = need(d.create_folder(drive.CreateFolderFileRequest.builder().request_body(
        drive.CreateFolderFileRequestBody.builder().name("SDK folder").folder_token("").build()).build()),
        "create_folder")
    sub = need(d.create_folder(drive.CreateFolderFileRequest.builder().request_body(
        drive.CreateFolderFileRequestBody.builder().name("Sub").folder_token(top.token).build()).build()),
        "create_folder sub")
    doc = need(client.docx.v1.document.create(docx.CreateDocumentRequest.builder().request_body(
        docx.CreateDocumentRequestBody.builder().title("SDK doc").folder_token(top.token).build()).build()),
        "document.create").document
    listed = need(d.list(drive.ListFileRequest.builder().folder_token(top.token).page_size(50).build()), "list")
    need(d.move(drive.MoveFileRequest.builder().file_token(doc.document_id).request_body(
        drive.MoveFileRequestBody.builder().type("docx").folder_token(sub.token).build()).build()), "move")
    copied = need(d.copy(drive.CopyFileRequest.builder().file_token(doc.document_id).request_body(
        drive.CopyFileRequestBody.builder().name("SDK doc copy").type("docx").folder_token(top.token).build())
        .build()), "copy").file
    metas = need(client.drive.v1.meta.batch_query(drive.BatchQueryMetaRequest.builder().request_body(
        drive.MetaRequest.builder().request_docs([
            drive.RequestDoc.builder().doc_token(doc.document_id).doc_type("docx").build(),
            drive.RequestDoc.builder().doc_token("nope").doc_type("docx").build(),
        ]).with_url(True).build()).build()), "metas")
    need(d.delete(drive.DeleteFileRequest.builder().file_token(sub.token).type("folder").build()), "delete")
    after = need(d.list(drive.ListFileRequest.builder().folder_token(top.token).build()), "list after")
    print(json.dumps({
        "top": top.token, "top_url": top.url, "doc": doc.document_id, "copy": copied.token,
        "copy_parent": copied.parent_token, "copy_type": copied.type,
        "listed": sorted([f.name + ":" + f.type for f in listed.files]),
        "meta_title": metas.metas[0].title, "meta_url": metas.metas[0].url,
        "failed": [f.token for f in metas.failed_list],
        "after": sorted([f.name for f in after.files]),
    }), flush=True)


if __name__ == "__main__":
    main()
