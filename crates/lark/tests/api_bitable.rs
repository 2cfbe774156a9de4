//! Bitable against lark-sim: an app with a table, typed fields, records written one by one and
//! in batches, then listed with a filter formula and searched with conditions.

mod api_common;

use api_common::*;
use futures::TryStreamExt;
use lark::api::bitable::{
    Condition, Field, FieldType, Fields, Filter, ListRecords, SearchRecords, SortBy,
};
use serde_json::json;

fn fields(v: serde_json::Value) -> Fields {
    v.as_object().cloned().unwrap_or_default()
}

#[tokio::test]
async fn fields_and_filtered_records() {
    let (sim, client) = setup().await;
    let app = client.create_bitable("Books", None).await.unwrap();
    let at = app.app_token.as_str();
    assert_eq!(client.get_bitable(at).await.unwrap().name, "Books");

    let table = client
        .create_table(at, "Reading", &[Field::new("Title", FieldType::Text)])
        .await
        .unwrap();
    let t = table.table_id.as_str();
    let tables: Vec<_> = client.list_tables(at).try_collect().await.unwrap();
    assert!(
        tables
            .iter()
            .any(|x| x.table_id == t && x.name == "Reading")
    );

    let score = client
        .create_field(at, t, &Field::new("Score", FieldType::Number))
        .await
        .unwrap();
    assert_eq!(score.field_type, FieldType::Number);
    let status = client
        .create_field(at, t, &Field::select("Status", false, &["todo", "reading"]))
        .await
        .unwrap();
    let status_id = status.field_id.clone().unwrap();
    // Add an option by updating the field with the full list.
    client
        .update_field(
            at,
            t,
            &status_id,
            &Field::select("Status", false, &["todo", "reading", "done"]),
        )
        .await
        .unwrap();
    let temp = client
        .create_field(at, t, &Field::new("Temp", FieldType::Checkbox))
        .await
        .unwrap();
    client
        .delete_field(at, t, temp.field_id.as_deref().unwrap())
        .await
        .unwrap();
    let listed: Vec<_> = client.list_fields(at, t).try_collect().await.unwrap();
    let names: Vec<_> = listed.iter().map(|f| f.field_name.as_str()).collect();
    assert_eq!(names, ["Title", "Score", "Status"]);
    assert!(listed[0].is_primary);

    let one = client
        .create_record(
            at,
            t,
            fields(json!({"Title": "Dune", "Score": 9.5, "Status": "done"})),
        )
        .await
        .unwrap();
    let batch = client
        .batch_create_records(
            at,
            t,
            vec![
                fields(json!({"Title": "Emma", "Score": 7, "Status": "todo"})),
                fields(json!({"Title": "Ubik", "Score": 8.5, "Status": "reading"})),
            ],
        )
        .await
        .unwrap();
    assert_eq!(batch.len(), 2);
    client
        .update_record(at, t, &batch[0].record_id, fields(json!({"Score": 6})))
        .await
        .unwrap();
    client
        .batch_update_records(
            at,
            t,
            vec![(
                batch[1].record_id.clone(),
                fields(json!({"Status": "done"})),
            )],
        )
        .await
        .unwrap();

    let q = ListRecords {
        filter: Some("CurrentValue.[Score] > 8".into()),
        sort: vec![SortBy {
            field_name: "Score".into(),
            desc: true,
        }],
        ..ListRecords::default()
    };
    let high: Vec<_> = client.list_records(at, t, q).try_collect().await.unwrap();
    let titles: Vec<_> = high.iter().map(|r| r.fields["Title"].clone()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(format!("{:?}", titles[0]).contains("Dune"), "{titles:?}");

    let search = SearchRecords {
        filter: Some(Filter::and(vec![Condition::new("Status", "is", &["done"])])),
        field_names: vec!["Title".into()],
        ..SearchRecords::default()
    };
    let done = client.search_records(at, t, &search, None).await.unwrap();
    assert_eq!(done.items.len(), 2);
    let all_done: Vec<_> = client
        .search_records_all(at, t, search.clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all_done.len(), 2);

    client.delete_record(at, t, &one.record_id).await.unwrap();
    let gone = client
        .batch_delete_records(at, t, &[batch[0].record_id.clone()])
        .await
        .unwrap();
    assert!(gone[0].deleted);
    let view = ws(&sim, |w| w.bitable_view(at)).unwrap();
    let table = view.tables.iter().find(|x| x.table_id == t).unwrap();
    assert_eq!(table.records.len(), 1);
    assert_eq!(table.records[0].record_id, batch[1].record_id);
    assert_eq!(table.records[0].fields["Status"], json!("done"));
}
