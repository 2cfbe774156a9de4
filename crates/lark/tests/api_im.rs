//! Reactions, pins, chat info and members, image/file upload and resource download against
//! lark-sim, asserted on the chat's state.

mod api_common;

use api_common::*;
use futures::TryStreamExt;
use lark::api::files::{FileType, UploadFile};
use lark::api::images::ImageType;
use lark::api::resources::ResourceType;
use lark::model::content::Content;
use lark::model::{ChatId, MessageId, ReceiveId};
use lark_sim::{ChatMode, Person, SeedChat, UserMessage};

#[tokio::test]
async fn reactions_add_list_delete() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let asked = sim
        .state()
        .user_sends(APP, UserMessage::text(chat.as_str(), ada(), "hi"))
        .unwrap();
    let id = MessageId::new(&asked.message_id);
    let r = client.add_reaction(&id, "THUMBSUP").await.unwrap();
    assert_eq!(r.reaction_type.emoji_type, "THUMBSUP");
    assert_eq!(
        seen(&sim, &chat)[0]["reactions"][0]["emoji_type"],
        "THUMBSUP"
    );
    let listed: Vec<_> = client
        .list_reactions(&id, None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].reaction_id, r.reaction_id);
    let only_smile: Vec<_> = client
        .list_reactions(&id, Some("SMILE"))
        .try_collect()
        .await
        .unwrap();
    assert!(only_smile.is_empty());
    client.delete_reaction(&id, &r.reaction_id).await.unwrap();
    assert_eq!(
        seen(&sim, &chat)[0]["reactions"].as_array().map(Vec::len),
        Some(0)
    );
    let err = client.add_reaction(&id, "NOT AN EMOJI").await.unwrap_err();
    assert_eq!(err.code(), Some(231001), "{err}");
}

#[tokio::test]
async fn pins_add_list_remove() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let sent = client
        .send_message(&ReceiveId::from(&chat), &Content::text("pin me"), None)
        .await
        .unwrap();
    let pin = client.pin_message(&sent.message_id).await.unwrap();
    assert_eq!(pin.message_id, sent.message_id);
    let pins: Vec<_> = client.list_pins(&chat).try_collect().await.unwrap();
    assert_eq!(pins.len(), 1);
    assert_eq!(pins[0].chat_id, chat);
    client.unpin_message(&sent.message_id).await.unwrap();
    let pins: Vec<_> = client.list_pins(&chat).try_collect().await.unwrap();
    assert!(pins.is_empty());
}

#[tokio::test]
async fn chat_info_and_paged_members() {
    let (sim, client) = setup().await;
    let members: Vec<Person> = (0..25)
        .map(|i| Person::new(&format!("ou_m{i:02}"), &format!("M{i}")))
        .collect();
    let seed = SeedChat {
        name: "forum".into(),
        chat_mode: ChatMode::Topic,
        members,
        ..SeedChat::default()
    };
    let chat = ChatId::new(sim.state().seed_chat(APP, seed).unwrap());
    let info = client.get_chat(&chat).await.unwrap();
    assert_eq!(info.name, "forum");
    assert!(info.is_topic(), "{}", info.chat_mode);
    assert_eq!(info.user_count, Some(25));
    let first = client
        .chat_members_page(&chat, Some(10), None)
        .await
        .unwrap();
    assert_eq!(first.items.len(), 10);
    assert_eq!(first.member_total, Some(25));
    let all: Vec<_> = client.chat_members(&chat).try_collect().await.unwrap();
    assert_eq!(all.len(), 25);
    assert!(
        all.iter()
            .any(|m| m.member_id == "ou_m24" && m.name == "M24")
    );
    let err = client
        .get_chat(&ChatId::new("oc_missing"))
        .await
        .unwrap_err();
    assert!(err.api().is_some(), "{err}");
}

#[tokio::test]
async fn upload_send_and_download_media() {
    let (sim, client) = setup().await;
    let chat = group(&sim);
    let to = ReceiveId::from(&chat);
    let png = b"\x89PNG\r\n\x1a\nfake image bytes".to_vec();
    let key = client
        .upload_image(png.clone(), ImageType::Message)
        .await
        .unwrap();
    let img = client
        .send_message(&to, &Content::image(key.clone()), None)
        .await
        .unwrap();
    let back = client
        .download_resource(&img.message_id, key.as_str(), ResourceType::Image)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), png.as_slice());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    let pdf = b"%PDF-1.4 a small report".repeat(1000);
    std::fs::write(&path, &pdf).unwrap();
    let file_key = client.upload_file(UploadFile::new(path)).await.unwrap();
    let file_msg = client
        .send_message(&to, &Content::file(file_key.clone()), None)
        .await
        .unwrap();
    assert_eq!(seen(&sim, &chat)[1]["msg_type"], "file");
    let out = dir.path().join("out.pdf");
    let n = client
        .download_resource_to_file(
            &file_msg.message_id,
            file_key.as_str(),
            ResourceType::File,
            &out,
        )
        .await
        .unwrap();
    assert_eq!(n as usize, pdf.len());
    assert_eq!(std::fs::read(&out).unwrap(), pdf);

    let audio = client
        .upload_file(
            UploadFile::new(b"OggS opus".to_vec())
                .file_name("voice.opus")
                .duration_ms(1500),
        )
        .await
        .unwrap();
    assert!(!audio.as_str().is_empty());
    assert_eq!(FileType::from_file_name("voice.opus"), FileType::Opus);
}

#[tokio::test]
async fn uploads_are_checked_before_sending() {
    let (sim, client) = setup().await;
    let empty = client.upload_image(Vec::new(), ImageType::Message).await;
    assert!(empty.unwrap_err().to_string().contains("empty"));
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    let err = client
        .upload_image(big, ImageType::Message)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("10 MB"), "{err}");
    let big = vec![0u8; 30 * 1024 * 1024 + 1];
    let err = client.upload_file(UploadFile::new(big)).await.unwrap_err();
    assert!(err.to_string().contains("30 MB"), "{err}");
    let missing = client
        .upload_image(
            std::path::PathBuf::from("/nonexistent/x.png"),
            ImageType::Message,
        )
        .await
        .unwrap_err();
    assert!(
        missing.to_string().contains("/nonexistent/x.png"),
        "{missing}"
    );
    assert!(
        sim.state()
            .calls(APP)
            .iter()
            .all(|c| !c.path.contains("/im/v1/"))
    );
}
