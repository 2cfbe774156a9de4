"""Drives lark-sim's workspace APIs with the unmodified official Python SDK (lark-oapi).

Usage: workspace_sdk.py <base_url> <app_id> <app_secret>
Prints one JSON object with the tokens and answers it got; exits non-zero on any failure.
"""
import io
import json
import sys

import lark_oapi as lark
import lark_oapi.api.bitable.v1 as bitable
import lark_oapi.api.cardkit.v1 as cardkit
import lark_oapi.api.docx.v1 as docx
import lark_oapi.api.drive.v1 as drive
import lark_oapi.api.sheets.v3 as sheets
from lark_oapi.core.enum import AccessTokenType, HttpMethod
from lark_oapi.core.model import BaseRequest

# A 2x3 PNG header is all the simulator reads for the image size.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00" + b"rest-of-image"


def need(resp, what):
    if not resp.success():
        raise SystemExit(f"{what} failed: code={resp.code} msg={resp.msg}")
    return getattr(resp, "data", None)


def raw(client, method, uri, body=None):
    req = BaseRequest.builder().http_method(method).uri(uri).token_types({AccessTokenType.TENANT})
    if body is not None:
        req = req.body(body)
    resp = client.request(req.build())
    out = json.loads(resp.raw.content)
    if out.get("code") != 0:
        raise SystemExit(f"{uri} failed: {out}")
    return out["data"]


def text_block(block_type, key, content):
    return docx.Block({"block_type": block_type, key: {"elements": [{"text_run": {"content": content}}]}})


def main():
    base, app_id, secret = sys.argv[1:4]
    client = lark.Client.builder().app_id(app_id).app_secret(secret).domain(base).build()
    out = {}

    # Docx: a document with blocks, then an image via drive media upload + replace_image.
    doc = need(client.docx.v1.document.create(
        docx.CreateDocumentRequest.builder().request_body(
            docx.CreateDocumentRequestBody.builder().title("SDK report").build()).build()), "document.create").document
    doc_id = doc.document_id
    children = [
        text_block(3, "heading1", "Summary"),
        text_block(2, "text", "Hello from the Python SDK"),
        text_block(12, "bullet", "first point"),
        docx.Block({"block_type": 27, "image": {}}),
    ]
    created = need(client.docx.v1.document_block_children.create(
        docx.CreateDocumentBlockChildrenRequest.builder().document_id(doc_id).block_id(doc_id)
        .request_body(docx.CreateDocumentBlockChildrenRequestBody.builder().children(children).index(-1).build())
        .build()), "children.create")
    image_block = created.children[3].block_id
    media = need(client.drive.v1.media.upload_all(
        drive.UploadAllMediaRequest.builder().request_body(
            drive.UploadAllMediaRequestBody.builder().file_name("chart.png").parent_type("docx_image")
            .parent_node(image_block).size(len(PNG)).extra(json.dumps({"drive_route_token": doc_id}))
            .file(io.BytesIO(PNG)).build()).build()), "media.upload_all")
    need(client.docx.v1.document_block.batch_update(
        docx.BatchUpdateDocumentBlockRequest.builder().document_id(doc_id).request_body(
            docx.BatchUpdateDocumentBlockRequestBody.builder().requests([
                docx.UpdateBlockRequest({"block_id": image_block, "replace_image": {"token": media.file_token}})
            ]).build()).build()), "blocks.batch_update")
    rawc = need(client.docx.v1.document.raw_content(
        docx.RawContentDocumentRequest.builder().document_id(doc_id).build()), "raw_content")
    out.update(document_id=doc_id, image_block=image_block, image_token=media.file_token,
               raw_content=rawc.content)

    # Sheets: v3 create and query, v2 write and read through the SDK's raw request.
    ss = need(client.sheets.v3.spreadsheet.create(
        sheets.CreateSpreadsheetRequest.builder().request_body(
            sheets.Spreadsheet.builder().title("SDK sheet").build()).build()), "spreadsheet.create").spreadsheet
    sheet_list = need(client.sheets.v3.spreadsheet_sheet.query(
        sheets.QuerySpreadsheetSheetRequest.builder().spreadsheet_token(ss.spreadsheet_token).build()), "sheets.query").sheets
    sheet_id = sheet_list[0].sheet_id
    tok = ss.spreadsheet_token
    raw(client, HttpMethod.PUT, f"/open-apis/sheets/v2/spreadsheets/{tok}/values",
        {"valueRange": {"range": f"{sheet_id}!A1:C2", "values": [["name", "score", "ok"], ["ann", 95, True]]}})
    read = raw(client, HttpMethod.GET, f"/open-apis/sheets/v2/spreadsheets/{tok}/values/{sheet_id}!A1:C2")
    out.update(spreadsheet_token=tok, sheet_id=sheet_id, read_values=read["valueRange"]["values"])

    # Bitable: app with its default table, fields, records, a filtered list.
    app = need(client.bitable.v1.app.create(
        bitable.CreateAppRequest.builder().request_body(bitable.ReqApp.builder().name("SDK base").build()).build()),
        "app.create").app
    table_id = app.default_table_id
    for name, ftype, prop in [("评分", 2, None), ("状态", 3, {"options": [{"name": "在读"}]})]:
        field = bitable.AppTableField.builder().field_name(name).type(ftype)
        if prop:
            field = field.property(bitable.AppTableFieldProperty(prop))
        need(client.bitable.v1.app_table_field.create(
            bitable.CreateAppTableFieldRequest.builder().app_token(app.app_token).table_id(table_id)
            .request_body(field.build()).build()), f"field.create {name}")
    for title, score, state in [("三体", 9.5, "在读"), ("活着", 7.0, "已读")]:
        need(client.bitable.v1.app_table_record.create(
            bitable.CreateAppTableRecordRequest.builder().app_token(app.app_token).table_id(table_id)
            .request_body(bitable.AppTableRecord.builder().fields({"文本": title, "评分": score, "状态": state}).build())
            .build()), "record.create")
    listed = need(client.bitable.v1.app_table_record.list(
        bitable.ListAppTableRecordRequest.builder().app_token(app.app_token).table_id(table_id)
        .filter("CurrentValue.[评分] > 8").build()), "record.list")
    out.update(app_token=app.app_token, table_id=table_id,
               filtered=[r.fields.get("文本") for r in (listed.items or [])], filtered_total=listed.total)

    # CardKit: a streaming card and two streamed contents.
    card_json = {"schema": "2.0", "config": {"streaming_mode": True},
                 "body": {"elements": [{"tag": "markdown", "element_id": "md", "content": ""}]}}
    card = need(client.cardkit.v1.card.create(
        cardkit.CreateCardRequest.builder().request_body(
            cardkit.CreateCardRequestBody.builder().type("card_json").data(json.dumps(card_json)).build()).build()),
        "card.create")
    for seq, text in [(1, "Hel"), (2, "Hello")]:
        need(client.cardkit.v1.card_element.content(
            cardkit.ContentCardElementRequest.builder().card_id(card.card_id).element_id("md")
            .request_body(cardkit.ContentCardElementRequestBody.builder().content(text).sequence(seq).build())
            .build()), "element.content")
    stale = client.cardkit.v1.card_element.content(
        cardkit.ContentCardElementRequest.builder().card_id(card.card_id).element_id("md")
        .request_body(cardkit.ContentCardElementRequestBody.builder().content("late").sequence(2).build()).build())
    out.update(card_id=card.card_id, stale_code=stale.code)

    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
