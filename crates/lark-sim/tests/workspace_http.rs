//! Behaviour of the workspace APIs over real HTTP: documents after children, image upload and
//! replace, deletes; sheet read-after-write and append; bitable validation, filters and search;
//! permissions and search; CardKit sequence rules. Each test asserts the platform's answers
//! and the state the sim keeps.

use serde_json::{Value, json};

const APP_ID: &str = "cli_a1b2c3d4e5f60718";

struct Api {
    sim: lark_sim::Sim,
    http: reqwest::Client,
    token: String,
}

impl Api {
    async fn start() -> Api {
        let sim = lark_sim::Sim::start("127.0.0.1:0", Default::default())
            .await
            .expect("sim");
        sim.state()
            .add_app(lark_sim::AppSpec::websocket(APP_ID, "secret"));
        let http = reqwest::Client::new();
        let t: Value = http
            .post(format!(
                "{}/open-apis/auth/v3/tenant_access_token/internal",
                sim.base_url()
            ))
            .json(&json!({ "app_id": APP_ID, "app_secret": "secret" }))
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        let token = t["tenant_access_token"].as_str().expect("token").to_owned();
        Api { sim, http, token }
    }

    /// (HTTP status, body) of a JSON call.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}/open-apis{path}", self.sim.base_url());
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(m, url).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("json body"))
    }

    /// The `data` of a call that must succeed.
    async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, v) = self.call(method, path, body).await;
        assert!(
            status == 200 && v["code"] == 0,
            "{method} {path}: {status} {v}"
        );
        v["data"].clone()
    }

    /// The code of a call that must fail, checking the HTTP status too.
    async fn fails(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        status: u16,
    ) -> (i64, String) {
        let (s, v) = self.call(method, path, body).await;
        assert_eq!(s, status, "{method} {path}: {v}");
        assert_ne!(v["code"], 0, "{method} {path} should fail: {v}");
        (
            v["code"].as_i64().unwrap_or(0),
            v["msg"].as_str().unwrap_or("").to_owned(),
        )
    }

    async fn upload(&self, path: &str, fields: &[(&str, String)], bytes: Vec<u8>) -> (u16, Value) {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.clone());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("f.bin"),
        );
        let resp = self
            .http
            .post(format!("{}/open-apis{path}", self.sim.base_url()))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        (resp.status().as_u16(), resp.json().await.expect("json"))
    }

    fn ws<T>(&self, f: impl FnOnce(&lark_sim::workspace::Workspace) -> T) -> T {
        let app = self.sim.state().app(APP_ID).expect("app");
        let w = app.workspace.lock().expect("lock");
        f(&w)
    }
}

fn text(block_type: u32, key: &str, content: &str) -> Value {
    json!({ "block_type": block_type, key: { "elements": [{ "text_run": { "content": content } }] } })
}

#[tokio::test]
async fn document_children_image_replace_and_delete() {
    let api = Api::start().await;
    let doc = api
        .ok(
            "POST",
            "/docx/v1/documents",
            Some(json!({ "title": "Plan" })),
        )
        .await;
    let id = doc["document"]["document_id"].as_str().unwrap().to_owned();
    let kids = api
        .ok(
            "POST",
            &format!("/docx/v1/documents/{id}/blocks/{id}/children"),
            Some(json!({ "children": [
                text(3, "heading1", "Goals"),
                text(2, "text", "ship it"),
                { "block_type": 31, "table": { "property": { "row_size": 2, "column_size": 2 } } },
                { "block_type": 27, "image": {} },
                { "block_type": 22, "divider": {} },
            ]})),
        )
        .await;
    let children = kids["children"].as_array().unwrap();
    assert_eq!(children.len(), 5);
    let table = &children[2];
    assert_eq!(
        table["table"]["cells"].as_array().unwrap().len(),
        4,
        "cells are auto-created"
    );
    let image = children[3]["block_id"].as_str().unwrap().to_owned();

    // Insert at index 0 and check order.
    api.ok(
        "POST",
        &format!("/docx/v1/documents/{id}/blocks/{id}/children"),
        Some(json!({ "children": [text(2, "text", "intro")], "index": 0 })),
    )
    .await;

    // Upload media for the image block; a wrong declared size is refused.
    let png = [
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice(),
        &[0, 0, 0, 7, 0, 0, 0, 5],
        b"xx",
    ]
    .concat();
    let fields = |size: usize| {
        vec![
            ("file_name", "a.png".to_owned()),
            ("parent_type", "docx_image".to_owned()),
            ("parent_node", image.clone()),
            ("size", size.to_string()),
        ]
    };
    let (s, v) = api
        .upload(
            "/drive/v1/medias/upload_all",
            &fields(png.len() + 1),
            png.clone(),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(1062009)), "{v}");
    let (s, v) = api
        .upload(
            "/drive/v1/medias/upload_all",
            &fields(png.len()),
            png.clone(),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let file_token = v["data"]["file_token"].as_str().unwrap().to_owned();

    // replace_image needs an image block; on the image block the uploaded media sticks.
    let heading = children[0]["block_id"].as_str().unwrap();
    let (code, _) = api
        .fails(
            "PATCH",
            &format!("/docx/v1/documents/{id}/blocks/batch_update"),
            Some(json!({ "requests": [{ "block_id": heading, "replace_image": { "token": file_token } }] })),
            400,
        )
        .await;
    assert_eq!(code, 1770001);
    let upd = api
        .ok(
            "PATCH",
            &format!("/docx/v1/documents/{id}/blocks/batch_update"),
            Some(json!({ "requests": [{ "block_id": image, "replace_image": { "token": file_token } }] })),
        )
        .await;
    assert_eq!(upd["blocks"][0]["image"]["token"], file_token.as_str());
    assert_eq!(upd["blocks"][0]["image"]["width"], 7);

    let raw = api
        .ok("GET", &format!("/docx/v1/documents/{id}/raw_content"), None)
        .await;
    assert_eq!(raw["content"], "Plan\nintro\nGoals\nship it\n\n\n\n\n");

    let view = api.ws(|w| w.doc_view(&id)).expect("doc");
    assert!(
        view.markdown
            .starts_with("intro\n# Goals\nship it\n|  |  |\n|  |  |\n"),
        "{}",
        view.markdown
    );
    assert!(view.markdown.contains(&format!("![image]({file_token})")));
    assert!(view.markdown.ends_with("---"));

    // Delete the heading and the text after the intro.
    api.ok(
        "DELETE",
        &format!("/docx/v1/documents/{id}/blocks/{id}/children/batch_delete"),
        Some(json!({ "start_index": 1, "end_index": 3 })),
    )
    .await;
    let root = api
        .ok("GET", &format!("/docx/v1/documents/{id}/blocks/{id}"), None)
        .await;
    assert_eq!(root["block"]["children"].as_array().unwrap().len(), 4);
    let listed = api
        .ok(
            "GET",
            &format!("/docx/v1/documents/{id}/blocks?page_size=3"),
            None,
        )
        .await;
    assert_eq!(listed["items"][0]["block_type"], 1, "the page comes first");
    assert_eq!(listed["has_more"], true);

    // Bad blocks are clear 400s.
    let (code, msg) = api
        .fails(
            "POST",
            &format!("/docx/v1/documents/{id}/blocks/{id}/children"),
            Some(json!({ "children": [{ "block_type": 4, "heading1": { "elements": [] } }] })),
            400,
        )
        .await;
    assert_eq!(code, 1770001);
    assert!(msg.contains("block_type 4"), "{msg}");
    let (code, _) = api
        .fails("GET", "/docx/v1/documents/nope/raw_content", None, 404)
        .await;
    assert_eq!(code, 1770002);
}

#[tokio::test]
async fn sheet_read_after_write_and_append() {
    let api = Api::start().await;
    let s = api
        .ok(
            "POST",
            "/sheets/v3/spreadsheets",
            Some(json!({ "title": "Scores" })),
        )
        .await;
    let tok = s["spreadsheet"]["spreadsheet_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = api
        .ok(
            "GET",
            &format!("/sheets/v3/spreadsheets/{tok}/sheets/query"),
            None,
        )
        .await;
    let sid = q["sheets"][0]["sheet_id"].as_str().unwrap().to_owned();
    assert_eq!(q["sheets"][0]["title"], "Sheet1");

    let w = api
        .ok(
            "PUT",
            &format!("/sheets/v2/spreadsheets/{tok}/values"),
            Some(json!({ "valueRange": { "range": format!("{sid}!A1:C2"), "values": [["name", "score", "pass"], ["ann", 9.5, true]] } })),
        )
        .await;
    assert_eq!(w["updatedCells"], 6);
    assert_eq!(w["updatedRange"], format!("{sid}!A1:C2"));

    let r = api
        .ok(
            "GET",
            &format!("/sheets/v2/spreadsheets/{tok}/values/Sheet1!A1:D3"),
            None,
        )
        .await;
    assert_eq!(r["valueRange"]["range"], format!("{sid}!A1:D3"));
    assert_eq!(
        r["valueRange"]["values"],
        json!([
            ["name", "score", "pass", null],
            ["ann", 9.5, true, null],
            [null, null, null, null]
        ])
    );

    for row in [json!(["bob", 7, false]), json!(["cy", null, true])] {
        api.ok(
            "POST",
            &format!("/sheets/v2/spreadsheets/{tok}/values_append"),
            Some(json!({ "valueRange": { "range": format!("{sid}!A1:C1"), "values": [row] } })),
        )
        .await;
    }
    let whole = api
        .ok(
            "GET",
            &format!("/sheets/v2/spreadsheets/{tok}/values/{sid}"),
            None,
        )
        .await;
    assert_eq!(
        whole["valueRange"]["values"],
        json!([
            ["name", "score", "pass"],
            ["ann", 9.5, true],
            ["bob", 7, false],
            ["cy", null, true]
        ])
    );

    let (code, _) = api
        .fails(
            "PUT",
            &format!("/sheets/v2/spreadsheets/{tok}/values"),
            Some(json!({ "valueRange": { "range": format!("{sid}!A1:B1"), "values": [["a", "b", "c"]] } })),
            400,
        )
        .await;
    assert_eq!(code, 1310202, "values wider than the range");
    let (code, _) = api
        .fails(
            "GET",
            &format!("/sheets/v2/spreadsheets/{tok}/values/nosheet!A1"),
            None,
            400,
        )
        .await;
    assert_eq!(code, 1310215);
    assert_eq!(api.ws(|w| w.sheet_values(&tok, &sid)).unwrap().len(), 4);
}

#[tokio::test]
async fn bitable_validation_filters_and_search() {
    let api = Api::start().await;
    let a = api
        .ok("POST", "/bitable/v1/apps", Some(json!({ "name": "Books" })))
        .await;
    let app = a["app"]["app_token"].as_str().unwrap().to_owned();
    let table = a["app"]["default_table_id"].as_str().unwrap().to_owned();
    let base = format!("/bitable/v1/apps/{app}/tables/{table}");

    let fields = api.ok("GET", &format!("{base}/fields"), None).await;
    let names: Vec<&str> = fields["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["文本", "单选", "日期", "附件"]);
    let empty = api
        .ok("GET", &format!("{base}/records?page_size=500"), None)
        .await;
    assert_eq!(
        empty["total"], 10,
        "the default table starts with empty records"
    );
    let primary = fields["items"][0]["field_id"].as_str().unwrap().to_owned();
    let (code, _) = api
        .fails("DELETE", &format!("{base}/fields/{primary}"), None, 200)
        .await;
    assert_eq!(code, 1254001, "the primary field cannot be deleted");
    let ids: Vec<Value> = empty["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["record_id"].clone())
        .collect();
    api.ok(
        "POST",
        &format!("{base}/records/batch_delete"),
        Some(json!({ "records": ids })),
    )
    .await;

    api.ok(
        "POST",
        &format!("{base}/fields"),
        Some(json!({ "field_name": "评分", "type": 2 })),
    )
    .await;
    let tags = api
        .ok("POST", &format!("{base}/fields"), Some(json!({ "field_name": "标签", "type": 4, "property": { "options": [{ "name": "科幻" }] } })))
        .await;
    assert!(
        tags["field"]["property"]["options"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("opt")
    );

    let (code, msg) = api
        .fails(
            "POST",
            &format!("{base}/records"),
            Some(json!({ "fields": { "评分": "abc" } })),
            200,
        )
        .await;
    assert_eq!(code, 1254061);
    assert!(msg.contains("评分"), "{msg}");
    let (code, _) = api
        .fails(
            "POST",
            &format!("{base}/records"),
            Some(json!({ "fields": { "作者": "x" } })),
            200,
        )
        .await;
    assert_eq!(code, 1254045);

    api.ok(
        "POST",
        &format!("{base}/records/batch_create"),
        Some(json!({ "records": [
            { "fields": { "文本": "三体", "评分": 9.5, "标签": ["科幻", "经典"] } },
            { "fields": { "文本": "活着", "评分": 8.0, "标签": ["文学"] } },
            { "fields": { "文本": "草稿" } },
        ]})),
    )
    .await;
    let f = api.ok("GET", &format!("{base}/fields"), None).await;
    let opts: Vec<&str> = f["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["field_name"] == "标签")
        .unwrap()["property"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        opts,
        ["科幻", "经典", "文学"],
        "new select values become options"
    );

    let list = |filter: &str| {
        let q: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
        format!("{base}/records?filter={q}")
    };
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["fields"]["文本"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let hits = api.ok("GET", &list("CurrentValue.[评分] > 8"), None).await;
    assert_eq!(titles(&hits), ["三体"]);
    let hits = api
        .ok(
            "GET",
            &list("OR(CurrentValue.[标签] = \"文学\", CurrentValue.[文本] = \"三体\")"),
            None,
        )
        .await;
    assert_eq!(titles(&hits), ["三体", "活着"]);
    let hits = api
        .ok(
            "GET",
            &list("AND(NOT(CurrentValue.[评分] > 9), CurrentValue.[评分] >= 8)"),
            None,
        )
        .await;
    assert_eq!(titles(&hits), ["活着"]);
    let hits = api
        .ok("GET", &list("CurrentValue.[评分] = \"\""), None)
        .await;
    assert_eq!(titles(&hits), ["草稿"]);
    let (code, _) = api
        .fails("GET", &list("CurrentValue.[评分] >"), None, 200)
        .await;
    assert_eq!(code, 1254018);
    let (code, _) = api
        .fails("GET", &list("CurrentValue.[页数] > 1"), None, 200)
        .await;
    assert_eq!(code, 1254018);

    let sorted = api
        .ok(
            "GET",
            &format!("{base}/records?sort=%5B%22%E8%AF%84%E5%88%86%20DESC%22%5D"),
            None,
        )
        .await;
    assert_eq!(titles(&sorted), ["三体", "活着", "草稿"]);

    let found = api
        .ok(
            "POST",
            &format!("{base}/records/search"),
            Some(json!({ "filter": { "conjunction": "and", "conditions": [
                { "field_name": "标签", "operator": "contains", "value": ["科幻"] },
                { "field_name": "评分", "operator": "isGreater", "value": ["9"] },
            ]}})),
        )
        .await;
    assert_eq!(found["total"], 1);
    assert_eq!(
        found["items"][0]["fields"]["文本"],
        json!([{ "text": "三体", "type": "text" }])
    );
    let (code, _) = api
        .fails("POST", &format!("{base}/records/search"), Some(json!({ "filter": { "conditions": [{ "field_name": "评分", "operator": "near", "value": ["1"] }] } })), 200)
        .await;
    assert_eq!(code, 1254018);
}

#[tokio::test]
async fn permissions_and_search_see_the_same_objects() {
    let api = Api::start().await;
    let d = api
        .ok(
            "POST",
            "/docx/v1/documents",
            Some(json!({ "title": "Weekly Report" })),
        )
        .await;
    let doc = d["document"]["document_id"].as_str().unwrap().to_owned();
    let b = api
        .ok(
            "POST",
            "/bitable/v1/apps",
            Some(json!({ "name": "Report base" })),
        )
        .await;
    let base = b["app"]["app_token"].as_str().unwrap().to_owned();
    api.ok(
        "POST",
        "/sheets/v3/spreadsheets",
        Some(json!({ "title": "Budget" })),
    )
    .await;

    let member = json!({ "member_type": "openid", "member_id": "ou_user1", "perm": "view" });
    let m = api
        .ok(
            "POST",
            &format!("/drive/v1/permissions/{doc}/members?type=docx&need_notification=false"),
            Some(member.clone()),
        )
        .await;
    assert_eq!(m["member"]["perm"], "view");
    api.ok(
        "POST",
        &format!("/drive/v1/permissions/{doc}/members?type=docx"),
        Some(json!({ "member_type": "openid", "member_id": "ou_user2", "perm": "edit" })),
    )
    .await;
    let (code, _) = api
        .fails(
            "POST",
            &format!("/drive/v1/permissions/{base}/members?type=docx"),
            Some(member.clone()),
            400,
        )
        .await;
    assert_eq!(code, 1063001, "type must match the token");
    let (code, _) = api
        .fails(
            "POST",
            "/drive/v1/permissions/nope/members?type=docx",
            Some(member),
            400,
        )
        .await;
    assert_eq!(code, 1063001);
    api.ok(
        "DELETE",
        &format!("/drive/v1/permissions/{doc}/members/ou_user1?type=docx&member_type=openid"),
        None,
    )
    .await;
    let list = api
        .ok(
            "GET",
            &format!("/drive/v1/permissions/{doc}/members?type=docx"),
            None,
        )
        .await;
    assert_eq!(
        list["items"],
        json!([{ "member_type": "openid", "member_id": "ou_user2", "perm": "edit", "perm_type": "container", "type": "user" }])
    );

    let found = api
        .ok(
            "POST",
            "/search/v2/doc_wiki/search",
            Some(json!({ "query": "report", "doc_filter": {}, "page_size": 1 })),
        )
        .await;
    assert_eq!(found["total"], 2);
    assert_eq!(found["has_more"], true);
    let next = api
        .ok("POST", "/search/v2/doc_wiki/search", Some(json!({ "query": "report", "doc_filter": {}, "page_size": 1, "page_token": found["page_token"] })))
        .await;
    let mut tokens = vec![
        found["res_units"][0]["result_meta"]["token"].clone(),
        next["res_units"][0]["result_meta"]["token"].clone(),
    ];
    tokens.sort_by_key(|t| t.to_string());
    let mut want = vec![json!(doc), json!(base)];
    want.sort_by_key(|t| t.to_string());
    assert_eq!(tokens, want);
    let only_docx = api
        .ok(
            "POST",
            "/search/v2/doc_wiki/search",
            Some(json!({ "query": "report", "doc_filter": { "doc_types": ["DOCX"] } })),
        )
        .await;
    assert_eq!(
        only_docx["res_units"][0]["title_highlighted"],
        "Weekly <h>Report</h>"
    );
    let (code, _) = api
        .fails(
            "POST",
            "/search/v2/doc_wiki/search",
            Some(json!({ "query": "x" })),
            400,
        )
        .await;
    assert_eq!(code, 1274001, "a filter is required");
    let legacy = api
        .ok(
            "POST",
            "/suite/docs-api/search/object",
            Some(json!({ "search_key": "budget", "count": 10, "offset": 0 })),
        )
        .await;
    assert_eq!(legacy["docs_entities"][0]["docs_type"], "sheet");
    assert_eq!(legacy["total"], 1);
}

#[tokio::test]
async fn card_sequences_streaming_and_sending_once() {
    let api = Api::start().await;
    let create = |data: Value| json!({ "type": "card_json", "data": data.to_string() });
    let (code, _) = api
        .fails(
            "POST",
            "/cardkit/v1/cards",
            Some(create(json!({ "elements": [] }))),
            400,
        )
        .await;
    assert_eq!(code, 300303, "JSON 2.0 only");
    let (code, _) = api
        .fails(
            "POST",
            "/cardkit/v1/cards",
            Some(create(
                json!({ "schema": "2.0", "config": { "update_multi": false } }),
            )),
            400,
        )
        .await;
    assert_eq!(code, 300302);

    let card = json!({ "schema": "2.0", "config": { "streaming_mode": true },
        "body": { "elements": [{ "tag": "markdown", "element_id": "md", "content": "" }] } });
    let c = api
        .ok("POST", "/cardkit/v1/cards", Some(create(card)))
        .await;
    let id = c["card_id"].as_str().unwrap().to_owned();
    let content = |text: &str, seq: i64| json!({ "content": text, "sequence": seq });
    let path = format!("/cardkit/v1/cards/{id}/elements/md/content");
    api.ok("PUT", &path, Some(content("Hi", 1))).await;
    api.ok("PUT", &path, Some(content("Hi there", 5))).await;
    let (code, _) = api.fails("PUT", &path, Some(content("late", 5)), 400).await;
    assert_eq!(code, 300317, "sequence must strictly increase");
    let (code, _) = api
        .fails(
            "PUT",
            &format!("/cardkit/v1/cards/{id}/elements/nope/content"),
            Some(content("x", 6)),
            400,
        )
        .await;
    assert_eq!(code, 300313);
    api.ok(
        "POST",
        &format!("/cardkit/v1/cards/{id}/elements"),
        Some(
            json!({ "type": "insert_after", "target_element_id": "md", "sequence": 6,
                     "elements": json!([{ "tag": "hr", "element_id": "rule" }]).to_string() }),
        ),
    )
    .await;
    api.ok(
        "PATCH",
        &format!("/cardkit/v1/cards/{id}/settings"),
        Some(json!({ "settings": json!({ "config": { "streaming_mode": false } }).to_string(), "sequence": 7 })),
    )
    .await;
    let (code, _) = api.fails("PUT", &path, Some(content("more", 8)), 400).await;
    assert_eq!(code, 300309, "streaming is closed");
    let (code, _) = api
        .fails(
            "PUT",
            "/cardkit/v1/cards/123/elements/md/content",
            Some(content("x", 9)),
            400,
        )
        .await;
    assert_eq!(code, 200740);

    let view = api.ws(|w| w.card_view(&id)).unwrap();
    assert_eq!(view.sequence, 7);
    assert_eq!(view.card["body"]["elements"][1]["element_id"], "rule");
    let streamed: Vec<(i64, &str)> = view
        .streamed
        .iter()
        .map(|s| (s.sequence, s.content.as_str()))
        .collect();
    assert_eq!(streamed, [(1, "Hi"), (5, "Hi there")]);

    {
        let app = api.sim.state().app(APP_ID).unwrap();
        let mut w = app.workspace.lock().unwrap();
        assert!(w.card_exists(&id));
        w.mark_card_sent(&id).expect("first send");
        assert!(w.mark_card_sent(&id).is_err(), "a card is sent once");
    }

    let ctl: Value = api
        .http
        .get(format!(
            "{}/_sim/apps/{APP_ID}/cards/{id}",
            api.sim.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ctl["sent"], true);
    assert_eq!(ctl["streamed"][1]["content"], "Hi there");
}
