// The official Node SDK's REST client, unmodified, against lark-sim: token, send, reply in
// thread, list, recall, image upload, a contact user by open id.
// Usage: node rest.cjs BASE_URL APP_ID APP_SECRET CHAT_ID USER_MESSAGE_ID
// Prints one JSON line with what it created; exits non-zero on the first failed call.
const lark = require('@larksuiteoapi/node-sdk');

const [base, appId, appSecret, chatId, userMessageId] = process.argv.slice(2);
const client = new lark.Client({ appId, appSecret, domain: base, loggerLevel: lark.LoggerLevel.error });

function check(name, res) {
  if (!res || (res.code !== undefined && res.code !== 0)) {
    process.stdout.write(JSON.stringify({ failed: name, res }) + '\n');
    process.exit(1);
  }
  return res.data !== undefined ? res.data : res;
}

(async () => {
  const send = () =>
    client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'hello from node' }), uuid: 'node-uuid-1' },
    });
  const sent = check('send', await send());
  const again = check('send again', await send());
  const reply = check('reply', await client.im.message.reply({
    path: { message_id: userMessageId },
    data: { msg_type: 'text', content: JSON.stringify({ text: 'threaded' }), reply_in_thread: true },
  }));
  const listed = check('list', await client.im.message.list({
    params: { container_id_type: 'chat', container_id: chatId, page_size: 50 },
  }));
  const thread = check('list thread', await client.im.message.list({
    params: { container_id_type: 'thread', container_id: reply.thread_id },
  }));
  check('recall', await client.im.message.delete({ path: { message_id: sent.message_id } }));
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
  const image = check('image', await client.im.image.create({ data: { image_type: 'message', image: png } }));
  const member = check('contact user', await client.contact.user.get({
    path: { user_id: 'ou_alice' },
    params: { user_id_type: 'open_id' },
  }));
  process.stdout.write(JSON.stringify({
    user_name: member.user.name,
    sent: sent.message_id,
    again: again.message_id,
    reply: reply.message_id,
    thread_id: reply.thread_id,
    listed: listed.items.map((m) => m.message_id),
    thread_listed: thread.items.map((m) => m.message_id),
    image_key: image.image_key,
  }) + '\n');
})().catch((e) => {
  process.stdout.write(JSON.stringify({ failed: 'exception', message: String(e && e.message), data: e && e.response && e.response.data }) + '\n');
  process.exit(1);
});
